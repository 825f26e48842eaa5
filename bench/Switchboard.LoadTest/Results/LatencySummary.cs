using HdrHistogram;

namespace Switchboard.LoadTest.Results;

/// <summary>
/// A latency distribution in microseconds. <see cref="Buckets"/> ("nanoseconds:count" pairs, space-separated,
/// kept on one line so result files stay readable) keeps the whole distribution, so runs can be merged or re-read later at any percentile.
/// </summary>
internal sealed record LatencySummary(
    long Count,
    double MeanUs,
    double P50Us,
    double P90Us,
    double P99Us,
    double P999Us,
    double MaxUs,
    string? Buckets)
{
    public static LatencySummary? From(HistogramBase histogram, bool includeBuckets = false)
    {
        if (histogram.TotalCount == 0)
        {
            return null;
        }

        static double Us(double nanoseconds) => Math.Round(nanoseconds / 1000, 1);
        return new LatencySummary(
            histogram.TotalCount,
            Us(histogram.GetMean()),
            Us(histogram.GetValueAtPercentile(50)),
            Us(histogram.GetValueAtPercentile(90)),
            Us(histogram.GetValueAtPercentile(99)),
            Us(histogram.GetValueAtPercentile(99.9)),
            Us(histogram.GetMaxValue()),
            includeBuckets ? string.Join(' ', histogram.RecordedValues().Select(v => FormattableString.Invariant($"{v.ValueIteratedTo}:{v.CountAtValueIteratedTo}"))) : null);
    }
}
