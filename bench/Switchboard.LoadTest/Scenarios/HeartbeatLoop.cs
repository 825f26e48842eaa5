using Switchboard.LoadTest.Net;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>
/// Sends a dialect's heartbeat (PeerJS) from every client once per interval, spread evenly over the
/// interval as independent clients' timers would be, from one loop instead of one timer per client.
/// </summary>
internal static class HeartbeatLoop
{
    public static async Task RunAsync(Func<IReadOnlyList<LoadClient>> clients, ReadOnlyMemory<byte> message, TimeSpan interval, ErrorLog errors, CancellationToken cancellationToken)
    {
        const int Slices = 50;
        var slice = interval / Slices;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var all = clients();
                for (var s = 0; s < Slices && !cancellationToken.IsCancellationRequested; s++)
                {
                    var started = DateTime.UtcNow;
                    for (var i = s; i < all.Count; i += Slices)
                    {
                        var client = all[i];
                        if (!client.IsOpen)
                        {
                            continue;
                        }

                        try
                        {
                            await client.SendAsync(message, cancellationToken);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            errors.Add("heartbeat failed", ex);
                        }
                    }

                    var rest = slice - (DateTime.UtcNow - started);
                    if (rest > TimeSpan.Zero)
                    {
                        await Task.Delay(rest, cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
