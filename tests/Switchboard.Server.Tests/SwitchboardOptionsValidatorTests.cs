namespace Switchboard.Server.Tests;

public sealed class SwitchboardOptionsValidatorTests
{
    private static List<string> Failures(Action<SwitchboardOptions> change)
    {
        var options = new SwitchboardOptions();
        change(options);
        var result = new SwitchboardOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures.ToList() : [];
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.Empty(Failures(_ => { }));
    }

    [Theory]
    [InlineData("MaxMessageSize", 100)]
    [InlineData("DefaultRoomCapacity", 1)]
    [InlineData("DefaultRoomCapacity", 17)]
    [InlineData("MaxRoomCapacity", 2000)]
    [InlineData("MaxRoomsPerConnection", 0)]
    [InlineData("SendQueueLimit", 0)]
    [InlineData("SendQueueByteLimit", 1000)]
    [InlineData("ResumeBufferLimit", 0)]
    [InlineData("ResumeBufferByteLimit", 0)]
    [InlineData("IoThreads", -1)]
    public void Validate_OutOfRangeNumber_NamesTheOption(string option, int value)
    {
        var failures = Failures(o => typeof(SwitchboardOptions).GetProperty(option)!.SetValue(o, value));

        var failure = Assert.Single(failures);
        Assert.StartsWith($"Switchboard:{option} ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SendTimeout")]
    [InlineData("KeepAliveInterval")]
    [InlineData("KeepAliveTimeout")]
    [InlineData("CloseTimeout")]
    public void Validate_NonPositiveTime_NamesTheOption(string option)
    {
        var failures = Failures(o => typeof(SwitchboardOptions).GetProperty(option)!.SetValue(o, TimeSpan.Zero));

        Assert.StartsWith($"Switchboard:{option} ", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IceServerWithBadUrl_IsRejected()
    {
        var failures = Failures(o => o.IceServers.Add(new IceServerOptions { Urls = ["http://example.test"] }));

        Assert.Contains("IceServers:0:Urls", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PathWithoutSlash_IsRejected()
    {
        Assert.Single(Failures(o => o.Paths.Add("ws")));
    }
}
