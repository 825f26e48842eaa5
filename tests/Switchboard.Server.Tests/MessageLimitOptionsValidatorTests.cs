using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Tests;

public sealed class MessageLimitOptionsValidatorTests
{
    private static List<string> Failures(Action<MessageLimitOptions> change)
    {
        var options = new SwitchboardOptions();
        change(options.MessageLimits);
        var result = new SwitchboardOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures.ToList() : [];
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.Empty(Failures(_ => { }));
    }

    [Fact]
    public void Validate_LimitsOff_Succeed()
    {
        Assert.Empty(Failures(o => (o.MessagesPerSecond, o.FailedRoomLookupsPerMinute) = (0, 0)));
    }

    [Theory]
    [InlineData("MessagesPerSecond", -1)]
    [InlineData("MessagesPerSecond", 10_001)]
    [InlineData("MessageBurst", 0)]
    [InlineData("FailedRoomLookupsPerMinute", -1)]
    [InlineData("FailedRoomLookupsPerMinute", 6001)]
    [InlineData("FailedRoomLookupBurst", 0)]
    [InlineData("FloodFactor", 1)]
    [InlineData("FloodFactor", 1001)]
    public void Validate_OutOfRangeNumber_NamesTheOption(string option, int value)
    {
        var failures = Failures(o => typeof(MessageLimitOptions).GetProperty(option)!.SetValue(o, value));

        Assert.StartsWith($"Switchboard:MessageLimits:{option} ", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FloodThresholdBeyondWhatASecondCounts_IsRejected()
    {
        var failures = Failures(o => (o.MessagesPerSecond, o.FloodFactor) = (10_000, 1000));

        Assert.StartsWith("Switchboard:MessageLimits:FloodFactor ", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(61)]
    public void Validate_FloodDurationOutOfRange_IsRejected(int seconds)
    {
        var failures = Failures(o => o.FloodDuration = TimeSpan.FromSeconds(seconds));

        Assert.StartsWith("Switchboard:MessageLimits:FloodDuration ", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_MessageLimitsSection_ReachesTheOptions()
    {
        using var services = Services(new() { ["Switchboard:MessageLimits:MessagesPerSecond"] = "7", ["Switchboard:MessageLimits:FloodDuration"] = "00:00:05" });

        var limits = services.GetRequiredService<IOptions<SwitchboardOptions>>().Value.MessageLimits;

        Assert.Equal(7, limits.MessagesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.FloodDuration);
        Assert.Equal(600, limits.MessageBurst);
    }

    [Fact]
    public void Bind_BadValue_StopsTheServerNamingTheKey()
    {
        using var services = Services(new() { ["Switchboard:MessageLimits:MessageBurst"] = "0" });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SwitchboardOptions>>().Value);

        Assert.Contains("Switchboard:MessageLimits:MessageBurst must be between 1 and 1000000 (was 0).", failure.Failures);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddSwitchboard();
        return services.BuildServiceProvider();
    }
}
