using System.Diagnostics;
using Switchboard.LoadTest.Dialects;
using Switchboard.LoadTest.Display;
using Switchboard.LoadTest.Measurement;
using Switchboard.LoadTest.Net;
using Switchboard.LoadTest.Options;
using Switchboard.LoadTest.Results;
using Switchboard.LoadTest.Targets;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>Everything a scenario runs with: the target, its protocol, the connector, the display and the error log.</summary>
internal sealed class ScenarioContext : IDisposable
{
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ScenarioContext(RunOptions run, CancellationToken stopping)
    {
        Run = run;
        Target = LoopbackTarget.Create(run.Target, run.Server, run.ServerPid);
        Dialect = LoadDialects.For(Target);
        Connector = new ClientConnector(Target, run.Connector);
        Stopping = stopping;
        SlowLog = run.SlowLog is { } path ? new SlowLog(path, run.SlowAbove) : null;
    }

    /// <summary>Where round trips slower than <see cref="RunOptions.SlowAbove"/> are written; none unless asked for.</summary>
    public SlowLog? SlowLog { get; }

    public RunOptions Run { get; }

    public LoopbackTarget Target { get; }

    public ILoadDialect Dialect { get; }

    public ClientConnector Connector { get; }

    public StatusBoard Status { get; } = new();

    public ErrorLog Errors { get; } = new();

    /// <summary>Cancelled by Ctrl-C / SIGTERM: the scenario stops where it is and still reports.</summary>
    public CancellationToken Stopping { get; }

    public int? ServerPid => Target.ProcessId;

    /// <summary>The name the result is filed under: <c>--server-name</c>, or else the protocol's name.</summary>
    public string ServerName => string.IsNullOrWhiteSpace(Run.ServerName) ? ProtocolName : Run.ServerName;

    private string ProtocolName => Target.Kind switch
    {
        ServerKind.Switchboard => "switchboard",
        ServerKind.Tutorial => "tutorial",
        ServerKind.PeerJs => "peerjs",
        _ => Target.Kind.ToString(),
    };

    /// <summary>Waits <paramref name="time"/>, or less if the run is stopped; true when the whole time passed.</summary>
    public async Task<bool> WaitAsync(TimeSpan time)
    {
        try
        {
            await Task.Delay(time, Stopping);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The warm-up, then the measured window: <paramref name="forgetWarmup"/> drops what warming up recorded,
    /// and <paramref name="started"/> gets the window as it opens (the live display reads the server's CPU from it).
    /// </summary>
    public async Task<(MeasureWindow Window, bool Complete)> WarmUpAndMeasureAsync(Func<long> count, Action forgetWarmup, Action<MeasureWindow> started)
    {
        Status.Phase = "warming up";
        var complete = await WaitAsync(Run.Warmup);
        forgetWarmup();
        var window = MeasureWindow.Start(ServerPid, count);
        started(window);
        Status.Phase = $"measuring for {Run.Duration.TotalSeconds:0} s";
        complete &= await WaitAsync(Run.Duration);
        return (window, complete);
    }

    /// <summary>A result with what every scenario reports filled in; the scenario adds its own figures with <c>with</c>.</summary>
    public ScenarioResult NewResult(string scenario, SortedDictionary<string, double> parameters, string? defaultLabel = null) => new()
    {
        Scenario = scenario,
        Label = Run.Label ?? defaultLabel ?? scenario,
        Server = ServerName,
        Target = Target.Uri.ToString(),
        Round = Run.Round,
        StartedAt = _startedAt,
        ElapsedSeconds = Math.Round(_clock.Elapsed.TotalSeconds, 1),
        Parameters = parameters,
        Errors = Errors.Describe(),
    };

    public void Dispose()
    {
        Connector.Dispose();
        SlowLog?.Dispose();
    }
}
