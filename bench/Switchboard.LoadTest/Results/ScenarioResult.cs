namespace Switchboard.LoadTest.Results;

/// <summary>The JSON file one run writes; bench/run.sh collects them and <c>report</c> tabulates them.</summary>
internal sealed record ScenarioResult
{
    public string Tool { get; init; } = "switchboard-loadtest";

    public int FormatVersion { get; init; } = 1;

    public required string Scenario { get; init; }

    /// <summary>The name the report groups by (e.g. <c>relay</c> and <c>saturation</c> are both relay runs).</summary>
    public required string Label { get; init; }

    public required string Server { get; init; }

    public required string Target { get; init; }

    public int? Round { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public double ElapsedSeconds { get; init; }

    /// <summary>True when the scenario ran to its end; false when it was stopped or failed part-way.</summary>
    public bool Complete { get; init; }

    public required SortedDictionary<string, double> Parameters { get; init; }

    public ConnectionSummary? Connections { get; init; }

    public IReadOnlyList<PhaseResult> Phases { get; init; } = [];

    public IdleResult? Idle { get; init; }

    /// <summary>The idle scenario's second pass on the same server process (see <c>--warm-pass</c>).</summary>
    public IdleResult? WarmIdle { get; init; }

    public LoadGeneratorSummary? LoadGenerator { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];
}
