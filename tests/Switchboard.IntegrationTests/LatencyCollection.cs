namespace Switchboard.IntegrationTests;

/// <summary>
/// Tests that compare latencies within themselves (unloaded, then under load): they run alone, after the
/// collections that run in parallel, so another test's load is not what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LatencyCollection
{
    public const string Name = "Latency comparisons";
}
