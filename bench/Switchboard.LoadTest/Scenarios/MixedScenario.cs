using System.Diagnostics;
using Switchboard.LoadTest.Dialects;
using Switchboard.LoadTest.Measurement;
using Switchboard.LoadTest.Options;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>
/// Relaying pairs measured alone, then again while many idle connections are held with keep-alive on:
/// does the busy traffic suffer from the idle crowd? The idle connections are held by worker processes
/// when they do not fit in this one; the pairs always run here.
/// </summary>
internal static class MixedScenario
{
    public static async Task<ScenarioResult> RunAsync(ScenarioContext context, RelayOptions relay, IdleOptions idle)
    {
        var recorder = new LatencyRecorder(context.SlowLog);
        var counters = new TrafficCounters();
        var engine = new RelayEngine(context, relay, recorder, counters);
        long failed = 0;

        context.Status.Phase = $"pairing {relay.Pairs} pairs";
        context.Status.Show(() => [("pairs", $"{engine.Pairs:N0}")]);
        await PairFactory.SetUpAsync(context, relay.Pairs, new SetupMessages(offerBytes: 300), engine.Add, () => Interlocked.Add(ref failed, 2), context.Stopping);
        engine.Start();

        MeasureWindow? window = null;
        context.Status.Show(RelayScenario.RelayRowsFactory(() => engine.Pairs, counters, recorder, () => window));
        var (alone, complete) = await context.WarmUpAndMeasureAsync(() => counters.Received, recorder.Reset, w => window = w);
        var unloaded = alone.Stop("unloaded", recorder.Total());
        window = null;

        var before = context.ServerPid is { } p0 ? ProcessProbe.Memory(p0) : null;
        await using var fleet = IdleFleet.Create(context, idle, ScenarioTiming.Idle(idle) + ScenarioTiming.Measured(context.Run) + ScenarioTiming.Grace, connectionsHereAlready: engine.Pairs * 2);
        var relayRows = RelayScenario.RelayRowsFactory(() => engine.Pairs, counters, recorder, () => window);
        context.Status.Show(() => [.. IdleScenario.FleetRows(fleet, context.ServerPid), .. relayRows()]);
        context.Status.Phase = $"connecting {idle.Connections} idle ({fleet.Processes} process{(fleet.Processes == 1 ? "" : "es")})";
        var connectClock = Stopwatch.StartNew();
        complete &= await fleet.ConnectAsync(idle.ConnectDeadline, context);
        var connectSeconds = connectClock.Elapsed.TotalSeconds;
        var afterConnect = context.ServerPid is { } p1 ? ProcessProbe.Memory(p1) : null;

        context.Status.Phase = $"holding idle connections for {idle.Hold.TotalSeconds:0} s";
        var settle = MeasureWindow.Start(context.ServerPid, () => counters.Received);
        complete &= await context.WaitAsync(idle.Hold);
        var holdPhase = settle.Stop("settle");
        var afterHold = context.ServerPid is { } p2 ? ProcessProbe.Memory(p2) : null;

        recorder.Reset();
        window = MeasureWindow.Start(context.ServerPid, () => counters.Received);
        context.Status.Phase = "measuring with idle connections";
        complete &= await context.WaitAsync(context.Run.Duration);
        var idleOpen = fleet.Status.Open;
        var loaded = window.Stop("loaded", recorder.Total());

        context.Status.Phase = "closing";
        var report = await fleet.StopAsync();
        await engine.StopAsync();
        context.Errors.AddAll(report.Errors.Except(context.Errors.Describe()));

        return context.NewResult("mixed", new()
        {
            ["pairs"] = relay.Pairs,
            ["inFlight"] = relay.InFlight,
            ["payloadBytes"] = relay.PayloadBytes,
            ["ratePerPair"] = relay.Rate,
            ["idleConnections"] = idle.Connections,
            ["settleSeconds"] = idle.Hold.TotalSeconds,
            ["warmupSeconds"] = context.Run.Warmup.TotalSeconds,
            ["durationSeconds"] = context.Run.Duration.TotalSeconds,
        }) with
        {
            Complete = complete && engine.Lost == 0 && report.Lost == 0,
            Connections = new ConnectionSummary((engine.Pairs * 2) + report.Opened, failed + report.Failed, engine.Lost + report.Lost),
            Phases = [unloaded, loaded],
            Idle = IdleScenario.Measure(idle, (int)idleOpen, connectSeconds, holdPhase, before, afterConnect, afterHold),
            LoadGenerator = new LoadGeneratorSummary(fleet.Processes + 1, fleet.MaxConnectionsInOneProcess, report.PeakRssKb, report.KbPerConnection),
        };
    }
}
