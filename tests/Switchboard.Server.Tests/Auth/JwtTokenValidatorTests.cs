using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Switchboard.Server.Auth;

namespace Switchboard.Server.Tests.Auth;

/// <summary>The token check on its own, with the server's clock faked: the server's TimeProvider, not the machine's, decides expiry.</summary>
public sealed class JwtTokenValidatorTests
{
    private const string Secret = "thirty-two bytes or more of shared secret";
    private static readonly DateTimeOffset _now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly FakeTimeProvider _time = new(_now);

    private JwtTokenValidator Validator(TimeSpan? skew = null, params string[] keys) => new(
        new JwtOptions { Issuer = "iss", Audience = "aud", SigningKeys = keys.Length == 0 ? [Secret] : keys, ClockSkew = skew ?? TimeSpan.Zero },
        _time);

    private static string Mint(DateTimeOffset? expires, Dictionary<string, object>? claims = null, DateTimeOffset? notBefore = null, string secret = Secret, string? keyId = null) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "iss",
            Audience = "aud",
            Expires = expires?.UtcDateTime,
            NotBefore = notBefore?.UtcDateTime,
            Claims = claims ?? [],
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)) { KeyId = keyId }, SecurityAlgorithms.HmacSha256),
        });

    [Fact]
    public void Validate_BeforeExpOnTheServersClock_Passes()
    {
        var check = Validator().Validate(Mint(_now.AddMinutes(1)));

        Assert.Null(check.Failure);
        Assert.Equal(_now.AddMinutes(1), check.Grant!.ExpiresAt);
    }

    [Fact]
    public void Validate_ServersClockPastExp_Expired()
    {
        // Far in the past by the machine's clock would fail anyway; here only the fake clock moves past exp.
        var token = Mint(_now.AddMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("the token has expired", Validator().Validate(token).Failure);
    }

    [Fact]
    public void Validate_PastExpWithinClockSkew_Passes()
    {
        var token = Mint(_now.AddMinutes(1));
        _time.Advance(TimeSpan.FromSeconds(80));

        Assert.Null(Validator(skew: TimeSpan.FromSeconds(30)).Validate(token).Failure);
    }

    [Fact]
    public void Validate_BeforeNbf_NotYetValid()
    {
        var check = Validator().Validate(Mint(_now.AddHours(2), notBefore: _now.AddHours(1)));

        Assert.Equal("the token is not valid yet", check.Failure);
    }

    [Fact]
    public void Validate_NoExp_Refused()
    {
        Assert.NotNull(Validator().Validate(Mint(expires: null)).Failure);
    }

    [Fact]
    public void Validate_Unsigned_Refused()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor { Issuer = "iss", Audience = "aud", Expires = _now.AddMinutes(1).UtcDateTime });

        Assert.NotNull(Validator().Validate(unsigned).Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("a.b.c")]
    public void Validate_Garbage_RefusedWithoutThrowing(string token)
    {
        Assert.NotNull(Validator().Validate(token).Failure);
    }

    [Fact]
    public void Validate_KeyIdMatchingNoKey_StillTriesEveryConfiguredKey()
    {
        const string next = "the next secret, also thirty-two bytes or more";

        var check = Validator(null, Secret, next).Validate(Mint(_now.AddMinutes(1), secret: next, keyId: "2026-01"));

        Assert.Null(check.Failure);
    }

    [Fact]
    public void Validate_NoSwitchboardClaims_MayCreateAndJoinAnything()
    {
        var grant = Validator().Validate(Mint(_now.AddMinutes(1))).Grant!;

        Assert.True(grant.CanCreate);
        Assert.Null(grant.Rooms);
        Assert.Null(grant.Identity);
    }

    [Fact]
    public void Validate_SwitchboardClaims_Read()
    {
        var grant = Validator().Validate(Mint(_now.AddMinutes(1), new() { ["sb:create"] = false, ["sb:rooms"] = new[] { "r1", "r2" }, ["sub"] = "u-1", ["sb:name"] = "Zoë \"Z\"" })).Grant!;

        Assert.False(grant.CanCreate);
        Assert.Equal(["r1", "r2"], grant.Rooms!.Select(r => Encoding.UTF8.GetString(r)));
        using var identity = JsonDocument.Parse(grant.Identity!);
        Assert.Equal("u-1", identity.RootElement.GetProperty("sub").GetString());
        Assert.Equal("Zoë \"Z\"", identity.RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("sb:create", "false")]
    [InlineData("sb:rooms", "r1")]
    [InlineData("sb:name", 42)]
    public void Validate_ClaimOfTheWrongType_Refused(string claim, object value)
    {
        var check = Validator().Validate(Mint(_now.AddMinutes(1), new() { [claim] = value }));

        Assert.Contains(claim, check.Failure, StringComparison.Ordinal);
    }
}
