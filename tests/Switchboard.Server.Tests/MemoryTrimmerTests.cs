using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Server.Hosting;

namespace Switchboard.Server.Tests;

/// <summary>
/// When the server gives memory back: after a burst of allocation, once it is quiet, and not again within
/// the minimum interval. The process's allocation count is the test's own, moved like the clock.
/// </summary>
public sealed class MemoryTrimmerTests
{
    private const long Threshold = 16 * 1024 * 1024;

    private readonly FakeTimeProvider _time = new();
    private long _allocated;

    [Fact]
    public async Task Timer_BurstThenAQuietSecond_TrimsOnce()
    {
        using var trimmer = Trimmer(Threshold);
        await trimmer.StartAsync(CancellationToken.None);

        _allocated += 2 * Threshold;
        _time.Advance(MemoryTrimmer.Period);
        Assert.Equal(0, trimmer.Trims);

        _time.Advance(MemoryTrimmer.Period);
        Assert.Equal(1, trimmer.Trims);

        _time.Advance(MemoryTrimmer.MinimumInterval * 3);
        Assert.Equal(1, trimmer.Trims);
    }

    [Fact]
    public void Check_WhileTheBurstGoesOn_WaitsForItToEnd()
    {
        using var trimmer = Trimmer(Threshold);

        for (var second = 0; second < 30; second++)
        {
            _allocated += Threshold / 8;
            _time.Advance(MemoryTrimmer.Period);
            Assert.False(trimmer.Check());
        }

        _time.Advance(MemoryTrimmer.Period);
        Assert.True(trimmer.Check());
    }

    [Fact]
    public void Check_LessThanTheThresholdAllocated_DoesNotTrim()
    {
        using var trimmer = Trimmer(Threshold);

        Assert.False(BurstThenQuiet(trimmer, Threshold - 1));
        Assert.Equal(0, trimmer.Trims);
    }

    [Fact]
    public void Check_SecondBurstSoonAfterATrim_WaitsForTheMinimumInterval()
    {
        using var trimmer = Trimmer(Threshold);
        Assert.True(BurstThenQuiet(trimmer, Threshold));

        Assert.False(BurstThenQuiet(trimmer, Threshold));

        _time.Advance(MemoryTrimmer.MinimumInterval);
        Assert.True(trimmer.Check());
        Assert.Equal(2, trimmer.Trims);
    }

    [Fact]
    public async Task Timer_ThresholdZero_NeverTrims()
    {
        using var trimmer = Trimmer(0);
        await trimmer.StartAsync(CancellationToken.None);

        _allocated += 100 * Threshold;
        _time.Advance(MemoryTrimmer.MinimumInterval * 2);

        Assert.Equal(0, trimmer.Trims);
    }

    /// <summary>One second allocating <paramref name="bytes"/> (never a trim: not quiet), then a quiet one: whether that trimmed.</summary>
    private bool BurstThenQuiet(MemoryTrimmer trimmer, long bytes)
    {
        _allocated += bytes;
        _time.Advance(MemoryTrimmer.Period);
        Assert.False(trimmer.Check());
        _time.Advance(MemoryTrimmer.Period);
        return trimmer.Check();
    }

    private MemoryTrimmer Trimmer(long threshold) => new(threshold, _time, NullLogger.Instance, () => _allocated);
}
