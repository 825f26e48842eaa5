using Switchboard.LoadTest.Dialects;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>Sets up many pairs at once (as many as the connector lets connect concurrently).</summary>
internal static class PairFactory
{
    /// <summary>
    /// Sets up to <paramref name="count"/> pairs, calling <paramref name="onPair"/> for each as soon as it is
    /// ready; failures are logged and counted, and the run goes on with the pairs it has.
    /// </summary>
    public static async Task SetUpAsync(ScenarioContext context, int count, SetupMessages messages, Action<ClientPair> onPair, Action onFailure, CancellationToken cancellationToken)
    {
        var next = -1;
        var workers = Math.Max(1, Math.Min(count, context.Run.Connector.ConnectConcurrency / 2));
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    onPair(await context.Dialect.PairAsync(context.Connector, messages, cancellationToken));
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    onFailure();
                    context.Errors.Add("pair setup failed", ex);
                }
            }
        }));
    }
}
