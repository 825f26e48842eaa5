using Switchboard.LoadTest.Dialects;
using Switchboard.LoadTest.Display;
using Switchboard.LoadTest.Measurement;
using Switchboard.LoadTest.Options;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>
/// P pairs relaying ~200-byte candidates, W in flight each: round-trip latency (A sends, B echoes, A
/// measures), relayed messages per second, and the server's CPU time per relayed message.
/// </summary>
internal static class RelayScenario
{
    public static async Task<ScenarioResult> RunAsync(ScenarioContext context, RelayOptions relay)
    {
        var recorder = new LatencyRecorder(context.SlowLog);
        var counters = new TrafficCounters();
        var engine = new RelayEngine(context, relay, recorder, counters);
        long failed = 0;

        context.Status.Phase = $"pairing {relay.Pairs} pairs";
        context.Status.Show(() => [("pairs", $"{engine.Pairs:N0}"), ("failed", $"{Interlocked.Read(ref failed):N0}")]);
        await PairFactory.SetUpAsync(context, relay.Pairs, new SetupMessages(offerBytes: 300), engine.Add, () => Interlocked.Add(ref failed, 2), context.Stopping);

        engine.Start();
        MeasureWindow? window = null;
        context.Status.Show(RelayRowsFactory(() => engine.Pairs, counters, recorder, () => window));
        var (measured, complete) = await context.WarmUpAndMeasureAsync(() => counters.Received, recorder.Reset, w => window = w);
        var phase = measured.Stop("relay", recorder.Total());

        context.Status.Phase = "closing";
        await engine.StopAsync();

        return context.NewResult("relay", new()
        {
            ["pairs"] = relay.Pairs,
            ["inFlight"] = relay.InFlight,
            ["payloadBytes"] = relay.PayloadBytes,
            ["ratePerPair"] = relay.Rate,
            ["warmupSeconds"] = context.Run.Warmup.TotalSeconds,
            ["durationSeconds"] = context.Run.Duration.TotalSeconds,
        }) with
        {
            Complete = complete && engine.Lost == 0 && engine.Pairs == relay.Pairs,
            Connections = new ConnectionSummary(engine.Pairs * 2, failed, engine.Lost),
            Phases = [phase],
            LoadGenerator = new LoadGeneratorSummary(1, engine.Pairs * 2, ProcessProbe.Memory(Environment.ProcessId)?.VmHwmKb ?? 0, null),
        };
    }

    /// <summary>The live figures of any relaying scenario.</summary>
    public static Func<IEnumerable<(string Name, string Value)>> RelayRowsFactory(Func<int> pairs, TrafficCounters counters, LatencyRecorder recorder, Func<MeasureWindow?> window)
    {
        var rate = new RateMeter(() => counters.Received);
        return () => RelayRows(pairs(), counters, recorder, window(), rate);
    }

    private static IEnumerable<(string Name, string Value)> RelayRows(int pairs, TrafficCounters counters, LatencyRecorder recorder, MeasureWindow? window, RateMeter? rate = null)
    {
        yield return ("pairs", $"{pairs:N0}");
        yield return ("relayed", $"{counters.Received:N0}");
        if (rate is not null)
        {
            yield return ("relayed/s", $"{rate.PerSecond():N0}");
        }

        if (recorder.TakeInterval() is { } interval)
        {
            yield return ("round trip p50 / p99 (last interval)", $"{interval.P50Us:N0} / {interval.P99Us:N0} µs");
        }

        if (window?.ServerCpuSoFar() is { } cpu)
        {
            yield return ("server CPU", $"{cpu:P0}");
        }
    }
}
