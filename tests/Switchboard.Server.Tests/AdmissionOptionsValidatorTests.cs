using Switchboard.Server.Admission;

namespace Switchboard.Server.Tests;

public sealed class AdmissionOptionsValidatorTests
{
    private static List<string> Failures(Action<SwitchboardOptions> change)
    {
        var options = new SwitchboardOptions();
        change(options);
        var result = new AdmissionOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures.ToList() : [];
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.Empty(Failures(_ => { }));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://app.example.com")]
    [InlineData("https://app.example.com/")]
    [InlineData("http://localhost:5173")]
    [InlineData("http://[::1]:8080")]
    public void Validate_AllowedOrigin_Succeeds(string origin)
    {
        Assert.Empty(Failures(o => o.AllowedOrigins = [origin]));
    }

    [Theory]
    [InlineData("app.example.com")]
    [InlineData("https://app.example.com/path")]
    [InlineData("ftp://app.example.com")]
    [InlineData("null")]
    [InlineData("https://*.example.com")]
    [InlineData("")]
    public void Validate_AllowedOriginThatIsNoOrigin_NamesTheOption(string origin)
    {
        var failure = Assert.Single(Failures(o => o.AllowedOrigins = [origin]));
        Assert.StartsWith("Switchboard:AllowedOrigins ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PerAddress")]
    [InlineData("NewPerSecond")]
    [InlineData("MaxConnections")]
    [InlineData("MaxPendingHandshakes")]
    [InlineData("PendingHandshakesPerAddress")]
    public void Validate_NegativeLimit_NamesTheOption(string option)
    {
        var failure = Assert.Single(Failures(o => typeof(ConnectionLimitOptions).GetProperty(option)!.SetValue(o.ConnectionLimits, -1)));
        Assert.StartsWith($"Switchboard:ConnectionLimits:{option} ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoBurstWhileRateIsOn_NamesNewBurst()
    {
        var failure = Assert.Single(Failures(o => o.ConnectionLimits.NewBurst = 0));
        Assert.StartsWith("Switchboard:ConnectionLimits:NewBurst ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PerAddressAboveTotal_NamesBoth()
    {
        var failure = Assert.Single(Failures(o =>
        {
            o.ConnectionLimits.PerAddress = 100;
            o.ConnectionLimits.MaxConnections = 10;
        }));
        Assert.Contains("PerAddress (100) must not exceed MaxConnections (10)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LimitsOff_Succeed()
    {
        Assert.Empty(Failures(o =>
        {
            o.ConnectionLimits.PerAddress = 0;
            o.ConnectionLimits.NewPerSecond = 0;
            o.ConnectionLimits.NewBurst = 0;
            o.ConnectionLimits.PendingHandshakesPerAddress = 0;
        }));
    }
}
