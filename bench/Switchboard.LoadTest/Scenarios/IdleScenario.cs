using System.Diagnostics;
using Switchboard.LoadTest.Measurement;
using Switchboard.LoadTest.Options;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>
/// Holds N connections in rooms of two and reads what they cost the server: memory before connecting,
/// once connected, and after holding them long enough for keep-alive to run; and the CPU the server
/// spends keeping them alive. An optional second pass on the same server process, after the first
/// pass's connections are gone, shows whether the memory is given back and what holding them again costs.
/// </summary>
internal static class IdleScenario
{
    /// <summary>Time for the server to take the first pass's connections down before the second pass starts.</summary>
    private static readonly TimeSpan _betweenPasses = TimeSpan.FromSeconds(3);

    public static async Task<ScenarioResult> RunAsync(ScenarioContext context, IdleOptions idle)
    {
        var (first, firstReport, firstHold, connected) = await RunPassAsync(context, idle, idle.Hold, "first pass");
        var complete = connected && firstReport.Lost == 0 && !context.Stopping.IsCancellationRequested;

        IdleResult? warm = null;
        if (idle.WarmPass && complete && await context.WaitAsync(_betweenPasses))
        {
            var (second, secondReport, _, warmConnected) = await RunPassAsync(context, idle, idle.WarmHold, "second pass (warm server)");
            warm = second;
            complete &= warmConnected && secondReport.Lost == 0;
        }

        return context.NewResult("idle", new()
        {
            ["connections"] = idle.Connections,
            ["holdSeconds"] = idle.Hold.TotalSeconds,
            ["warmPass"] = idle.WarmPass ? 1 : 0,
            ["sourceAddresses"] = context.Run.Connector.SourceAddresses,
        }) with
        {
            Complete = complete,
            Connections = new ConnectionSummary(firstReport.Opened, firstReport.Failed, firstReport.Lost),
            Phases = [firstHold],
            Idle = first,
            WarmIdle = warm,
            LoadGenerator = new LoadGeneratorSummary(firstReport.Processes, firstReport.MaxInOneProcess, firstReport.Report.PeakRssKb, firstReport.Report.KbPerConnection),
        };
    }

    public static IEnumerable<(string Name, string Value)> FleetRows(IdleFleet fleet, int? serverPid)
    {
        var status = fleet.Status;
        yield return ("connections open", $"{status.Open:N0}");
        yield return ("failed", $"{status.Failed:N0}");
        yield return ("lost", $"{status.Lost:N0}");
        if (serverPid is { } pid && ProcessProbe.Memory(pid) is { } memory)
        {
            yield return ("server RSS", $"{memory.VmRssKb / 1024.0:N1} MiB");
            yield return ("server open files", $"{memory.OpenFiles:N0}");
        }
    }

    /// <summary>What one pass measured, and the memory cost per connection held: (after hold − before) / held.</summary>
    public static IdleResult Measure(IdleOptions idle, int held, double connectSeconds, PhaseResult hold, MemorySample? before, MemorySample? afterConnect, MemorySample? afterHold)
    {
        double? PerConnection(Func<MemorySample, long> field) =>
            before is not null && afterHold is not null && held > 0 ? Math.Round((field(afterHold) - field(before)) / (double)held, 2) : null;

        return new IdleResult(
            idle.Connections,
            held,
            Math.Round(connectSeconds, 1),
            hold.Seconds,
            before,
            afterConnect,
            afterHold,
            PerConnection(m => m.VmRssKb),
            PerConnection(m => m.PssKb),
            PerConnection(m => m.AnonymousKb),
            hold.ServerCpuUtilisation);
    }

    private static async Task<(IdleResult Result, PassReport Report, PhaseResult Hold, bool Connected)> RunPassAsync(ScenarioContext context, IdleOptions idle, TimeSpan holdTime, string name)
    {
        var pid = context.ServerPid;
        var before = pid is { } p0 ? ProcessProbe.Memory(p0) : null;
        var clock = Stopwatch.StartNew();
        await using var fleet = IdleFleet.Create(context, idle, ScenarioTiming.Idle(idle) + ScenarioTiming.Grace);
        context.Status.Phase = $"{name}: connecting {idle.Connections} ({fleet.Processes} process{(fleet.Processes == 1 ? "" : "es")})";
        context.Status.Show(() => FleetRows(fleet, pid));
        var connected = await fleet.ConnectAsync(idle.ConnectDeadline, context);
        var connectSeconds = clock.Elapsed.TotalSeconds;
        var afterConnect = pid is { } p1 ? ProcessProbe.Memory(p1) : null;

        context.Status.Phase = $"{name}: holding for {holdTime.TotalSeconds:0} s";
        var window = MeasureWindow.Start(pid, () => 0);
        await context.WaitAsync(holdTime);
        var afterHold = pid is { } p2 ? ProcessProbe.Memory(p2) : null;
        var hold = window.Stop("hold");
        var open = (int)fleet.Status.Open;

        context.Status.Phase = $"{name}: closing";
        var report = await fleet.StopAsync();
        context.Errors.AddAll(report.Errors.Except(context.Errors.Describe()));
        var result = Measure(idle, open, connectSeconds, hold, before, afterConnect, afterHold);
        return (result, new PassReport(report, fleet.Processes, fleet.MaxConnectionsInOneProcess), hold, connected);
    }

    private sealed record PassReport(IdleReport Report, int Processes, int MaxInOneProcess)
    {
        public long Opened => Report.Opened;

        public long Failed => Report.Failed;

        public long Lost => Report.Lost;
    }
}
