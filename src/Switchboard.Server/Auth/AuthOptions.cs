namespace Switchboard.Server.Auth;

/// <summary>
/// Authentication of signaling clients (<c>Switchboard:Auth</c>), off by default: it is on once
/// <see cref="JwtOptions.SigningKeys"/> lists a key. docs/auth.md tells a backend how to mint tokens.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>How tokens are checked: issuer, audience, the keys that sign them.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>
    /// How long a connection that came without a token in its URL may take to send
    /// <c>{"type":"auth","token":…}</c>; past it the connection gets <c>unauthorized</c> and close 1008.
    /// Default 10 s: a browser sends it right after the socket opens, so 10 s leaves room for a slow
    /// phone network and still bounds what an anonymous socket can hold (Centrifugo's stale-close
    /// delay is the same 10 s; SignalR's handshake timeout 15 s).
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when at least one signing key is configured: every connection must then authenticate.</summary>
    public bool Enabled => Jwt.SigningKeys.Count > 0;
}
