using System.Diagnostics;
using Switchboard.LoadTest.Dialects;
using Switchboard.LoadTest.Display;
using Switchboard.LoadTest.Measurement;
using Switchboard.LoadTest.Options;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>
/// Call setups back to back: connect two clients, create a room, join it with an offer, wait for the
/// offer to be relayed, close both. Reports setups per second (whole cycles, closing included) and the
/// time from the first connect to the relayed offer.
/// </summary>
internal static class SetupScenario
{
    private static readonly TimeSpan _closeTimeout = TimeSpan.FromSeconds(5);

    public static async Task<ScenarioResult> RunAsync(ScenarioContext context, SetupOptions setup)
    {
        var recorder = new LatencyRecorder();
        var counters = new TrafficCounters();
        var messages = new SetupMessages(setup.OfferBytes);
        long failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Stopping);

        var loops = Enumerable.Range(0, setup.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    var pair = await context.Dialect.PairAsync(context.Connector, messages, stop.Token);
                    recorder.RecordSince(begin);
                    await Task.WhenAll(pair.First.CloseAsync(_closeTimeout), pair.Second.CloseAsync(_closeTimeout));
                    counters.CountCompleted();
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failed);
                    context.Errors.Add("a setup failed", ex);
                    await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                }
            }
        })).ToList();

        var rate = new RateMeter(() => counters.Completed);
        MeasureWindow? window = null;
        context.Status.Show(() =>
        [
            ("setups", $"{counters.Completed:N0}"),
            ("setups/s", $"{rate.PerSecond():N0}"),
            ("failed", $"{Interlocked.Read(ref failed):N0}"),
            ("setup time p50 / p99 (last interval)", recorder.TakeInterval() is { } i ? $"{i.P50Us / 1000:N1} / {i.P99Us / 1000:N1} ms" : "–"),
            ("server CPU", window?.ServerCpuSoFar() is { } cpu ? $"{cpu:P0}" : "–"),
        ]);
        var (measured, complete) = await context.WarmUpAndMeasureAsync(() => counters.Completed, recorder.Reset, w => window = w);
        var phase = measured.Stop("setup", recorder.Total());

        context.Status.Phase = "closing";
        await stop.CancelAsync();
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        return context.NewResult("setup", new()
        {
            ["concurrency"] = setup.Concurrency,
            ["offerBytes"] = setup.OfferBytes,
            ["warmupSeconds"] = context.Run.Warmup.TotalSeconds,
            ["durationSeconds"] = context.Run.Duration.TotalSeconds,
        }) with
        {
            Complete = complete,
            Connections = new ConnectionSummary(counters.Completed * 2, failed, 0),
            Phases = [phase],
            LoadGenerator = new LoadGeneratorSummary(1, setup.Concurrency * 2, ProcessProbe.Memory(Environment.ProcessId)?.VmHwmKb ?? 0, null),
        };
    }
}
