using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Reporting;

/// <summary>
/// One row of the benchmark table: which runs it reads (by label), what figure, and the target of issue 4
/// it is judged against, if any. A target is on the ratio to the tutorial's server, or on the value itself.
/// <see cref="CompareToTutorial"/> is off for context figures (counts, utilisation, noise) whose ratio means nothing;
/// it also decides whether the row gets switchboard ÷ baseline when a second Switchboard build ran.
/// </summary>
internal sealed record Metric(
    string Name,
    string Label,
    Func<ScenarioResult, double?> Read,
    int Decimals,
    string? Target = null,
    Func<double, bool>? RatioHolds = null,
    Func<double, bool>? ValueHolds = null,
    bool CompareToTutorial = true)
{
    public static IReadOnlyList<Metric> All { get; } =
    [
        new("server CPU µs per relayed message (50 pairs × 1)", "relay", r => Phase(r)?.ServerCpuMicrosPerMessage, 1, "≤ 0.5 × tutorial", RatioHolds: x => x <= 0.5),
        new("server CPU µs per relayed message (saturation)", "saturation", r => Phase(r)?.ServerCpuMicrosPerMessage, 1, "≤ 0.5 × tutorial", RatioHolds: x => x <= 0.5),
        new("p50 round trip µs (50 pairs × 1)", "relay", r => Phase(r)?.Latency?.P50Us, 0),
        new("p99 round trip µs (50 pairs × 1)", "relay", r => Phase(r)?.Latency?.P99Us, 0, "≤ 0.5 × tutorial", RatioHolds: x => x <= 0.5),
        new("p99.9 round trip µs (50 pairs × 1)", "relay", r => Phase(r)?.Latency?.P999Us, 0),
        new("p50 round trip µs (50 pairs × 1, paced 20/s each)", "paced", r => Phase(r)?.Latency?.P50Us, 0),
        new("p99 round trip µs (50 pairs × 1, paced 20/s each)", "paced", r => Phase(r)?.Latency?.P99Us, 0),
        new("server CPU µs per relayed message (paced)", "paced", r => Phase(r)?.ServerCpuMicrosPerMessage, 1),
        new("relayed msgs/s at saturation", "saturation", r => Phase(r)?.MessagesPerSecond, 0),
        new("relayed msgs/s per server core (1e6 ÷ CPU µs per message)", "saturation", r => PerCore(Phase(r)?.ServerCpuMicrosPerMessage), 0),
        new("server CPU at saturation (1 core = 1.00)", "saturation", r => Phase(r)?.ServerCpuUtilisation, 2, CompareToTutorial: false),
        new("load generator CPU at saturation", "saturation", r => Phase(r)?.LoadCpuUtilisation, 2, CompareToTutorial: false),
        new("idle connections held", "idle", r => r.Idle?.Held, 0, CompareToTutorial: false),
        new("kB per idle connection (RSS)", "idle", r => r.Idle?.RssKbPerConnection, 2, "≤ 6 kB", ValueHolds: x => x <= 6),
        new("kB per idle connection (anonymous memory)", "idle", r => r.Idle?.AnonymousKbPerConnection, 2),
        new("server RSS MiB holding the idle connections", "idle", r => r.Idle?.AfterHold?.VmRssKb / 1024.0, 0),
        new("server RSS MiB once they have all closed", "idle", r => r.WarmIdle?.Before?.VmRssKb / 1024.0, 0),
        new("server RSS MiB holding as many again (second pass)", "idle", r => r.WarmIdle?.AfterHold?.VmRssKb / 1024.0, 0),
        new("server CPU holding idle connections", "idle", r => r.Idle?.HoldServerCpuUtilisation, 3),
        new("setups/s", "setup", r => Phase(r)?.MessagesPerSecond, 0, "≥ 2 × tutorial", RatioHolds: x => x >= 2),
        new("server CPU µs per setup", "setup", r => Phase(r)?.ServerCpuMicrosPerMessage, 0),
        new("setups/s per server core (1e6 ÷ CPU µs per setup)", "setup", r => PerCore(Phase(r)?.ServerCpuMicrosPerMessage), 0),
        new("server CPU during setups", "setup", r => Phase(r)?.ServerCpuUtilisation, 2, CompareToTutorial: false),
        new("load generator CPU during setups", "setup", r => Phase(r)?.LoadCpuUtilisation, 2, CompareToTutorial: false),
        new("p99 setup time µs", "setup", r => Phase(r)?.Latency?.P99Us, 0),
        new("fan-out room of 2: p99 to all µs", "fanout-2", r => Phase(r)?.LatencyToAll?.P99Us, 0),
        new("fan-out room of 8: p99 to all µs", "fanout-8", r => Phase(r)?.LatencyToAll?.P99Us, 0),
        new("fan-out room of 16: p99 to all µs", "fanout-16", r => Phase(r)?.LatencyToAll?.P99Us, 0),
        new("fan-out room of 16: deliveries/s", "fanout-16", r => Phase(r)?.MessagesPerSecond, 0),
        new("fan-out room of 16: server CPU µs per delivery", "fanout-16", r => Phase(r)?.ServerCpuMicrosPerMessage, 1),
        new("mixed: idle connections held", "mixed", r => r.Idle?.Held, 0, "16 000 held", ValueHolds: x => x >= 16_000),
        new("mixed: relay p99 µs alone", "mixed", r => Phase(r, "unloaded")?.Latency?.P99Us, 0),
        new("mixed: relay p99 µs with idle connections", "mixed", r => Phase(r, "loaded")?.Latency?.P99Us, 0),
        new("mixed: p99 with ÷ without idle connections", "mixed", LoadedRatio, 2, "≤ 2", ValueHolds: x => x <= 2),
        new("mixed: kB per idle connection (RSS)", "mixed", r => r.Idle?.RssKbPerConnection, 2),
        new("noise: other processes' CPU during relay (cores)", "relay", r => Phase(r)?.OtherCpuUtilisation, 2, CompareToTutorial: false),
        new("noise: other processes' CPU during saturation (cores)", "saturation", r => Phase(r)?.OtherCpuUtilisation, 2, CompareToTutorial: false),
        new("noise: other processes' CPU during paced relay (cores)", "paced", r => Phase(r)?.OtherCpuUtilisation, 2, CompareToTutorial: false),
        new("noise: other processes' CPU during setups (cores)", "setup", r => Phase(r)?.OtherCpuUtilisation, 2, CompareToTutorial: false),
    ];

    private static PhaseResult? Phase(ScenarioResult result, string? name = null) =>
        name is null ? (result.Phases.Count > 0 ? result.Phases[0] : null) : result.Phases.FirstOrDefault(p => p.Name == name);

    /// <summary>What one core could do if the server alone limited it: separates the server's cost from a load generator that ran out of CPU first.</summary>
    private static double? PerCore(double? microsPerOperation) => microsPerOperation is > 0 ? 1e6 / microsPerOperation : null;

    private static double? LoadedRatio(ScenarioResult result) =>
        Phase(result, "loaded")?.Latency?.P99Us is { } loaded && Phase(result, "unloaded")?.Latency?.P99Us is { } alone && alone > 0
            ? loaded / alone
            : null;
}
