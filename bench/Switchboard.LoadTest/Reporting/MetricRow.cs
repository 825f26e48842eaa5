namespace Switchboard.LoadTest.Reporting;

/// <summary>
/// One metric over every server: the value of each round, their median, and the median of the per-round ratios
/// to the tutorial's server. When the run had a <c>baseline</c> (a second Switchboard build, <c>run.sh --baseline-ref</c>),
/// also switchboard ÷ baseline of each round that has both, in round order, and their median.
/// </summary>
internal sealed record MetricRow(
    Metric Metric,
    IReadOnlyDictionary<string, IReadOnlyList<double>> Values,
    IReadOnlyDictionary<string, double> Medians,
    IReadOnlyDictionary<string, double> RatiosToTutorial,
    bool? Holds,
    IReadOnlyList<double> RatiosToBaselinePerRound,
    double? RatioToBaseline);
