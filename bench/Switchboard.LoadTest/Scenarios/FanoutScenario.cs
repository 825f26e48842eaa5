using System.Diagnostics;
using Switchboard.LoadTest.Dialects;
using Switchboard.LoadTest.Display;
using Switchboard.LoadTest.Measurement;
using Switchboard.LoadTest.Net;
using Switchboard.LoadTest.Options;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>
/// Rooms of N where one member sends to the room and every other member receives: latency of each delivery
/// (one way; all clients share this process's clock) and until the last member has it. One message in
/// flight per room: the next goes once all have the last.
/// </summary>
internal static class FanoutScenario
{
    private static readonly TimeSpan _roundTimeout = TimeSpan.FromSeconds(10);

    public static async Task<ScenarioResult> RunAsync(ScenarioContext context, FanoutOptions fanout)
    {
        var perDelivery = new LatencyRecorder();
        var toAll = new LatencyRecorder();
        var counters = new TrafficCounters();
        var rooms = new List<RoomRunner>();
        long failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Stopping);

        context.Status.Phase = $"setting up {fanout.Rooms} rooms of {fanout.RoomSize}";
        context.Status.Show(() => [("rooms", $"{rooms.Count:N0}"), ("failed", $"{Interlocked.Read(ref failed):N0}")]);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(fanout.Rooms, 8)).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < fanout.Rooms && !stop.IsCancellationRequested)
            {
                try
                {
                    var group = await context.Dialect.GroupAsync(context.Connector, fanout.RoomSize, stop.Token);
                    var template = context.Dialect.BroadcastTemplate(group, fanout.PayloadBytes);
                    lock (rooms)
                    {
                        rooms.Add(new RoomRunner(group, template, perDelivery, toAll, counters, context.Errors));
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Interlocked.Increment(ref failed);
                    context.Errors.Add("a room setup failed", ex);
                }
            }
        }));

        var running = rooms.Select(r => r.RunAsync(stop.Token)).ToList();
        var rate = new RateMeter(() => counters.Received);
        MeasureWindow? window = null;
        context.Status.Show(() =>
        [
            ("rooms", $"{rooms.Count:N0} × {fanout.RoomSize}"),
            ("deliveries/s", $"{rate.PerSecond():N0}"),
            ("to all p50 / p99 (last interval)", toAll.TakeInterval() is { } i ? $"{i.P50Us:N0} / {i.P99Us:N0} µs" : "–"),
            ("server CPU", window?.ServerCpuSoFar() is { } cpu ? $"{cpu:P0}" : "–"),
        ]);
        var (measured, complete) = await context.WarmUpAndMeasureAsync(
            () => counters.Received,
            () =>
            {
                perDelivery.Reset();
                toAll.Reset();
            },
            w => window = w);
        var phase = measured.Stop("fanout", perDelivery.Total(), toAll.Total());

        context.Status.Phase = "closing";
        await stop.CancelAsync();
        foreach (var client in rooms.SelectMany(r => r.Group.Members))
        {
            client.Abort();
        }

        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var lost = rooms.Sum(r => r.Lost);

        return context.NewResult("fanout", new()
        {
            ["roomSize"] = fanout.RoomSize,
            ["rooms"] = fanout.Rooms,
            ["payloadBytes"] = fanout.PayloadBytes,
            ["warmupSeconds"] = context.Run.Warmup.TotalSeconds,
            ["durationSeconds"] = context.Run.Duration.TotalSeconds,
        }, $"fanout-{fanout.RoomSize}") with
        {
            Complete = complete && lost == 0 && rooms.Count == fanout.Rooms,
            Connections = new ConnectionSummary(rooms.Count * fanout.RoomSize, failed * fanout.RoomSize, lost),
            Phases = [phase],
            LoadGenerator = new LoadGeneratorSummary(1, rooms.Count * fanout.RoomSize, ProcessProbe.Memory(Environment.ProcessId)?.VmHwmKb ?? 0, null),
        };
    }

    /// <summary>One room: its creator sends, the rest count down; the last receiver releases the next send.</summary>
    private sealed class RoomRunner
    {
        private static readonly Func<LoadClient, ReadOnlyMemory<byte>, ValueTask> _discard = static (_, _) => ValueTask.CompletedTask;

        private readonly RelayTemplate _template;
        private readonly LatencyRecorder _perDelivery;
        private readonly LatencyRecorder _toAll;
        private readonly TrafficCounters _counters;
        private readonly ErrorLog _errors;
        private readonly SemaphoreSlim _allReceived = new(0, 1);
        private int _waiting;
        private int _lost;
        private CancellationToken _stopping;

        public RoomRunner(ClientGroup group, RelayTemplate template, LatencyRecorder perDelivery, LatencyRecorder toAll, TrafficCounters counters, ErrorLog errors)
        {
            Group = group;
            _template = template;
            _perDelivery = perDelivery;
            _toAll = toAll;
            _counters = counters;
            _errors = errors;
        }

        public ClientGroup Group { get; }

        public int Lost => _lost;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            _stopping = cancellationToken;
            var sender = Group.Members[0];
            var loops = new List<Task> { WatchAsync(sender.RunAsync(_discard, busy: true)) };
            loops.AddRange(Group.Members.Skip(1).Select(m => WatchAsync(m.RunAsync(OnDelivery, busy: true))));
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    Volatile.Write(ref _waiting, Group.Members.Count - 1);
                    await sender.SendAsync(_template.Stamp(Stopwatch.GetTimestamp()), cancellationToken);
                    if (!await _allReceived.WaitAsync(_roundTimeout, cancellationToken))
                    {
                        _errors.Add($"a fan-out message did not reach every member within {_roundTimeout.TotalSeconds:0} s");
                        // Later deliveries of that message would release a newer round early; drain and go on.
                        while (_allReceived.Wait(0, CancellationToken.None))
                        {
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException || cancellationToken.IsCancellationRequested)
            {
                // Stopped.
            }
            catch (Exception ex)
            {
                _errors.Add("a fan-out send failed", ex);
            }

            await Task.WhenAll(loops);
        }

        private ValueTask OnDelivery(LoadClient client, ReadOnlyMemory<byte> message)
        {
            if (RelayTemplate.TryReadTimestamp(message.Span, out var stamp))
            {
                _perDelivery.RecordSince(stamp);
                _counters.CountReceived();
                if (Interlocked.Decrement(ref _waiting) == 0)
                {
                    _toAll.RecordSince(stamp);
                    _counters.CountCompleted();
                    _allReceived.Release();
                }
            }

            return ValueTask.CompletedTask;
        }

        private async Task WatchAsync(Task<ClientEnd> loop)
        {
            var end = await loop;
            if (!_stopping.IsCancellationRequested)
            {
                Interlocked.Increment(ref _lost);
                _errors.Add($"a fan-out connection ended early ({end})");
            }
        }
    }
}
