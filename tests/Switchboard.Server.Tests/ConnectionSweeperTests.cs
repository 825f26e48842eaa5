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
    public void PeriodFor_TinyTimeout_NeverSpinsFasterThanTenMilliseconds()
    {
        var options = new SwitchboardOptions { CloseTimeout = TimeSpan.FromMilliseconds(1) };

        Assert.Equal(TimeSpan.FromMilliseconds(10), ConnectionSweeper.PeriodFor(options));
    }
}
