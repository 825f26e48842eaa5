using System.Security.Cryptography;
using Switchboard.Server.Auth;

namespace Switchboard.Server.Tests.Auth;

public sealed class AuthOptionsValidatorTests
{
    private const string Secret = "thirty-two bytes or more of shared secret";

    private static List<string> Failures(Action<AuthOptions> change, bool keys = true)
    {
        var options = new SwitchboardOptions();
        if (keys)
        {
            options.Auth.Jwt.Issuer = "https://backend.example.test";
            options.Auth.Jwt.Audience = "switchboard";
            options.Auth.Jwt.SigningKeys = [Secret];
        }

        change(options.Auth);
        var result = new SwitchboardOptionsValidator().Validate(null, options);
        return result.Failed ? [.. result.Failures] : [];
    }

    [Fact]
    public void Validate_Defaults_AuthOffAndValid()
    {
        Assert.False(new AuthOptions().Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), new AuthOptions().Timeout);
        Assert.Empty(Failures(_ => { }, keys: false));
    }

    [Fact]
    public void Validate_KeysIssuerAndAudience_Valid()
    {
        Assert.Empty(Failures(_ => { }));
    }

    [Fact]
    public void Validate_KeysWithoutIssuerAndAudience_NamesBoth()
    {
        var failures = Failures(auth => auth.Jwt.Issuer = auth.Jwt.Audience = null);

        Assert.Contains(failures, f => f.StartsWith("Switchboard:Auth:Jwt:Issuer ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Switchboard:Auth:Jwt:Audience ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_IssuerWithoutKeys_RefusedRatherThanRunningOpen()
    {
        var failure = Assert.Single(Failures(auth => auth.Jwt.SigningKeys = []));

        Assert.StartsWith("Switchboard:Auth:Jwt:SigningKeys ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShortHs256Secret_RefusedWithoutQuotingIt()
    {
        var failure = Assert.Single(Failures(auth => auth.Jwt.SigningKeys = [Secret, "only-31-bytes-of-shared-secret!"]));

        Assert.StartsWith("Switchboard:Auth:Jwt:SigningKeys:1 ", failure, StringComparison.Ordinal);
        Assert.Contains("32 bytes", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("only-31", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RsaAndP256PublicKeys_Valid()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Empty(Failures(auth => auth.Jwt.SigningKeys = [rsa.ExportSubjectPublicKeyInfoPem(), ec.ExportSubjectPublicKeyInfoPem(), rsa.ExportRSAPublicKeyPem()]));
    }

    [Fact]
    public void Validate_PrivateKey_Refused()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var failure = Assert.Single(Failures(auth => auth.Jwt.SigningKeys = [ec.ExportPkcs8PrivateKeyPem()]));

        Assert.Contains("private key", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EcKeyNotOnP256_Refused()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var failure = Assert.Single(Failures(auth => auth.Jwt.SigningKeys = [ec.ExportSubjectPublicKeyInfoPem()]));

        Assert.Contains("P-256", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShortRsaKey_Refused()
    {
        using var rsa = RSA.Create(1024);

        var failure = Assert.Single(Failures(auth => auth.Jwt.SigningKeys = [rsa.ExportSubjectPublicKeyInfoPem()]));

        Assert.Contains("2048", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PemThatIsNoKey_Refused()
    {
        var failure = Assert.Single(Failures(auth => auth.Jwt.SigningKeys = ["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"]));

        Assert.StartsWith("Switchboard:Auth:Jwt:SigningKeys:0 ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:06:00")]
    public void Validate_TimeoutOutOfRange_NamesIt(string timeout)
    {
        var failure = Assert.Single(Failures(auth => auth.Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.StartsWith("Switchboard:Auth:Timeout ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void Validate_ClockSkewOutOfRange_NamesIt(int seconds)
    {
        var failure = Assert.Single(Failures(auth => auth.Jwt.ClockSkew = TimeSpan.FromSeconds(seconds)));

        Assert.StartsWith("Switchboard:Auth:Jwt:ClockSkew ", failure, StringComparison.Ordinal);
    }
}
