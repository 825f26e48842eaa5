using Switchboard.Server.Connections;

namespace Switchboard.Server.Tests;

public sealed class ConnectionSweeperTests
{
    [Fact]
    public void PeriodFor_Defaults_IsOneSecond()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), ConnectionSweeper.PeriodFor(new SwitchboardOptions()));
    }

    [Fact]
    public void PeriodFor_ShortKeepAlive_IsAQuarterOfTheShortestTimeout()
    {
        var options = new SwitchboardOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(200), KeepAliveTimeout = TimeSpan.FromMilliseconds(400) };

        Assert.Equal(TimeSpan.FromMilliseconds(50), ConnectionSweeper.PeriodFor(options));
    }

    [Fact]
    public void ScheduleFor_OneSecond_VisitsOneShardAtATime()
    {
        var (tick, shardsPerTick) = ConnectionSweeper.ScheduleFor(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(1) / ConnectionStore.ShardCount, tick);
        Assert.Equal(1, shardsPerTick);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(150)]
    [InlineData(1000)]
    public void ScheduleFor_AnyPeriod_VisitsEveryShardWithinThePeriod(int periodMilliseconds)
    {
        var period = TimeSpan.FromMilliseconds(periodMilliseconds);

        var (tick, shardsPerTick) = ConnectionSweeper.ScheduleFor(period);

        var ticksPerPeriod = (int)(period.Ticks / tick.Ticks);
        Assert.True(ticksPerPeriod * shardsPerTick >= ConnectionStore.ShardCount, $"{ticksPerPeriod} ticks of {shardsPerTick} shards miss some of {ConnectionStore.ShardCount}");
        Assert.True(tick >= TimeSpan.FromMilliseconds(5), $"tick {tick.TotalMilliseconds} ms is finer than a timer keeps");
    }

    [Fact]
    public void PeriodFor_TinyTimeout_NeverSpinsFasterThanTenMilliseconds()
    {
        var options = new SwitchboardOptions { CloseTimeout = TimeSpan.FromMilliseconds(1) };

        Assert.Equal(TimeSpan.FromMilliseconds(10), ConnectionSweeper.PeriodFor(options));
    }
}
