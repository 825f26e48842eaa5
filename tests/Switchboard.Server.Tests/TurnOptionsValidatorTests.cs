using Switchboard.Server.Turn;

namespace Switchboard.Server.Tests;

public sealed class TurnOptionsValidatorTests
{
    private const string GoodSecret = "4f0b7c1e9a2d4b8c6e3f";

    private static List<string> Failures(Action<TurnOptions> change)
    {
        var options = new TurnOptions();
        change(options);
        var result = new TurnOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures.ToList() : [];
    }

    [Fact]
    public void Validate_Defaults_SucceedWithTurnOff()
    {
        Assert.Empty(Failures(_ => { }));
        Assert.False(new TurnOptions().Enabled);
        Assert.Equal(TimeSpan.FromHours(1), new TurnOptions().Ttl);
    }

    [Fact]
    public void Validate_SecretAndTurnUrls_Succeed()
    {
        Assert.Empty(Failures(o =>
        {
            o.Secret = GoodSecret;
            o.Urls = ["turn:turn.example.test:3478", "turns:turn.example.test:5349"];
        }));
    }

    [Fact]
    public void Validate_SecretWithoutUrls_NamesUrls()
    {
        var failure = Assert.Single(Failures(o => o.Secret = GoodSecret));

        Assert.StartsWith("Switchboard:Turn:Urls ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UrlsWithoutSecret_NamesSecret()
    {
        var failure = Assert.Single(Failures(o => o.Urls = ["turn:turn.example.test:3478"]));

        Assert.StartsWith("Switchboard:Turn:Secret ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShortSecret_IsRejected()
    {
        var failure = Assert.Single(Failures(o =>
        {
            o.Secret = "secret";
            o.Urls = ["turn:turn.example.test:3478"];
        }));

        Assert.Contains("at least 16 characters", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stun:stun.example.test:3478")]
    [InlineData("https://turn.example.test")]
    public void Validate_UrlThatIsNotTurn_IsRejected(string url)
    {
        var failure = Assert.Single(Failures(o =>
        {
            o.Secret = GoodSecret;
            o.Urls = [url];
        }));

        Assert.Contains(url, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:30")]
    [InlineData("2.00:00:00")]
    [InlineData("-00:10:00")]
    public void Validate_TtlOutOfRange_NamesTtl(string ttl)
    {
        var failure = Assert.Single(Failures(o => o.Ttl = TimeSpan.Parse(ttl, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.StartsWith("Switchboard:Turn:Ttl ", failure, StringComparison.Ordinal);
    }
}
