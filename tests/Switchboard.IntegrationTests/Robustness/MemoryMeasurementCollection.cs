namespace Switchboard.IntegrationTests.Robustness;

/// <summary>
/// Tests that read the GC heap of the test process itself (the server runs in it): xunit runs this
/// collection alone, after the parallel ones, so no other test's allocations land in the measurement.
/// </summary>
[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;
