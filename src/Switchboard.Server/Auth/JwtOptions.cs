namespace Switchboard.Server.Auth;

/// <summary>The JSON Web Tokens Switchboard accepts (<c>Switchboard:Auth:Jwt</c>).</summary>
public sealed class JwtOptions
{
    /// <summary>The <c>iss</c> a token must carry, exactly. Required once keys are set; no default.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> a token must carry, exactly. Required once keys are set; no default.</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// The keys a token may be signed with; a token signed by any of them passes, so a rotation is: add
    /// the new key, let the backend sign with it, remove the old one once the tokens it signed have
    /// expired. Each entry is either an HS256 secret (its UTF-8 bytes, at least 32 of them) or a PEM
    /// public key (<c>-----BEGIN PUBLIC KEY-----</c>): RSA for RS256, a P-256 EC key for ES256.
    /// Default none: authentication is off.
    /// </summary>
    public IList<string> SigningKeys { get; set; } = [];

    /// <summary>
    /// How far the backend's clock and this server's may disagree: a token is taken this long before
    /// its <c>nbf</c> and after its <c>exp</c>, and a connection is closed this long after <c>exp</c>.
    /// Default 30 s (servers keep time with NTP; the library's own default of 5 minutes would keep a
    /// revoked call alive 5 minutes past its token). At most 5 minutes.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
