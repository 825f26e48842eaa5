using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Switchboard.Server.Auth;

/// <summary>
/// Turns a configured <see cref="JwtOptions.SigningKeys"/> entry into a key and the one algorithm it may
/// verify. A PEM text is only ever a public key: never an HMAC secret, so a token signed with HS256 using
/// the public key's text (the classic algorithm-confusion forgery) finds no key that accepts it.
/// </summary>
internal static class SigningKeyReader
{
    /// <summary>RFC 7518 §3.2: an HS256 key must be at least as long as the hash, 256 bits.</summary>
    public const int MinimumSecretBytes = 32;

    public static (SecurityKey Key, string Algorithm) Read(string configured)
    {
        var text = configured.Trim();
        if (!text.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            var secret = Encoding.UTF8.GetBytes(configured);
            if (secret.Length < MinimumSecretBytes)
            {
                throw new FormatException($"an HS256 secret must be at least {MinimumSecretBytes} bytes of UTF-8 (was {secret.Length})");
            }

            return (new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256);
        }

        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            // Switchboard only verifies: a private key in its configuration is one more copy to leak.
            throw new FormatException("it is a private key; configure the public key (openssl pkey -pubout)");
        }

        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(text);
            if (rsa.KeySize < 2048)
            {
                throw new FormatException($"an RSA key must have at least 2048 bits (was {rsa.KeySize})");
            }

            return (new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256);
        }
        catch (CryptographicException)
        {
        }
        catch (ArgumentException)
        {
        }

        try
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(text);
            var curve = ec.ExportParameters(includePrivateParameters: false).Curve;
            if (curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value && curve.Oid.FriendlyName is not ("nistP256" or "ECDSA_P256" or "prime256v1"))
            {
                throw new FormatException("an EC key must be on the P-256 curve (ES256)");
            }

            return (new ECDsaSecurityKey(ec), SecurityAlgorithms.EcdsaSha256);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new FormatException("it is neither an RSA nor a P-256 EC public key in PEM");
        }
    }
}
