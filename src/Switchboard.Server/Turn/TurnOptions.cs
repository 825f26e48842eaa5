namespace Switchboard.Server.Turn;

/// <summary>
/// Short-lived TURN credentials in coturn's <c>use-auth-secret</c> scheme (the TURN REST API), minted for
/// each client instead of one long-lived TURN password that every page would carry. Bound from
/// <c>Switchboard:Turn</c>; off unless <see cref="Secret"/> and <see cref="Urls"/> are both set. See docs/turn.md.
/// </summary>
public sealed class TurnOptions
{
    public const string SectionName = "Switchboard:Turn";

    /// <summary>
    /// The secret shared with the TURN server (coturn's <c>static-auth-secret</c>). Default none. At least 16
    /// characters: every client sees a user name and its HMAC, so a short secret could be guessed offline
    /// from any one of them. It never appears in a log.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// The TURN server's <c>turn:</c> / <c>turns:</c> URLs, all given the same credential, e.g.
    /// <c>turn:turn.example.org:3478?transport=udp</c> and <c>turns:turn.example.org:5349</c>. Default none.
    /// STUN URLs need no credential: they belong in <c>Switchboard:IceServers</c>.
    /// </summary>
    public IList<string> Urls { get; set; } = [];

    /// <summary>
    /// How long a credential may start new TURN allocations, from the moment it is handed out (00:01:00 …
    /// 1.00:00:00). Default 01:00:00: a relay allocated before expiry lives on (coturn only refuses new
    /// allocations), the web app asks for fresh credentials at half-life, and an hour is far beyond any sane
    /// clock skew between Switchboard and the TURN host; while a credential read out of a page stops being
    /// useful within the hour instead of the day coturn's own examples use.
    /// </summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>True when both the secret and at least one URL are set.</summary>
    public bool Enabled => !string.IsNullOrEmpty(Secret) && Urls.Count > 0;
}
