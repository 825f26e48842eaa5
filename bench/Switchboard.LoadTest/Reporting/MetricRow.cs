namespace Switchboard.LoadTest.Reporting;

/// <summary>One metric over every server: the value of each round, their median, and the median of the per-round ratios to the tutorial's server.</summary>
internal sealed record MetricRow(
    Metric Metric,
    IReadOnlyDictionary<string, IReadOnlyList<double>> Values,
    IReadOnlyDictionary<string, double> Medians,
    IReadOnlyDictionary<string, double> RatiosToTutorial,
    bool? Holds);
