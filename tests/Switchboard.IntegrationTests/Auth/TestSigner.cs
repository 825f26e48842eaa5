using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Switchboard.IntegrationTests.Auth;

/// <summary>
/// A backend that mints tokens: the key it signs with, and the text an operator puts in
/// <c>Switchboard:Auth:Jwt:SigningKeys</c> for it (the secret, or the public key in PEM).
/// </summary>
internal sealed class TestSigner
{
    public const string Issuer = "https://backend.example.test";
    public const string Audience = "switchboard";

    private static readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    private TestSigner(SecurityKey key, string algorithm, string configured)
    {
        Credentials = new SigningCredentials(key, algorithm);
        Configured = configured;
    }

    public SigningCredentials Credentials { get; }

    /// <summary>The <c>SigningKeys</c> entry that verifies this signer's tokens.</summary>
    public string Configured { get; }

    public static TestSigner Hs256(string secret = "a shared secret of at least 32 bytes, for tests only") =>
        new(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256, secret);

    public static TestSigner Rs256()
    {
        var rsa = RSA.Create(2048);
        return new(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256, rsa.ExportSubjectPublicKeyInfoPem());
    }

    public static TestSigner Es256()
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new(new ECDsaSecurityKey(ec), SecurityAlgorithms.EcdsaSha256, ec.ExportSubjectPublicKeyInfoPem());
    }

    public static TestSigner For(string algorithm) => algorithm switch
    {
        "HS256" => Hs256(),
        "RS256" => Rs256(),
        "ES256" => Es256(),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>A token valid from a minute ago until <paramref name="lifetime"/> from now (negative: already expired).</summary>
    public string Mint(TimeSpan? lifetime = null, IDictionary<string, object>? claims = null, string issuer = Issuer, string audience = Audience)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires - TimeSpan.FromMinutes(10) : now - TimeSpan.FromMinutes(1),
            NotBefore = expires < now ? expires - TimeSpan.FromMinutes(10) : now - TimeSpan.FromMinutes(1),
            Expires = expires,
            Claims = claims ?? new Dictionary<string, object>(),
            SigningCredentials = Credentials,
        });
    }
}
