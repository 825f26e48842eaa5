namespace Switchboard.Server.Admission;

/// <summary>
/// How many WebSocket connections the server takes, from whom and how fast, bound from
/// <c>Switchboard:ConnectionLimits</c>. Each limit is checked before the 101 is sent: a refused upgrade gets
/// 503 with <c>Retry-After</c>; a connection beyond <see cref="MaxPendingHandshakes"/> is closed before it is read.
/// The client address is the resolved one (<see cref="SwitchboardOptions.KnownProxies"/>); IPv6 clients are
/// counted by their /64, the block one household or one phone gets. See docs/decisions/0012-admission-limits.md.
/// </summary>
public sealed class ConnectionLimitOptions
{
    /// <summary>
    /// Open signaling connections one client address may hold; 0 turns the limit off. Default 256: a
    /// browser tab holds one, so this is a carrier-grade NAT or a large office on one public address, while
    /// one attacker's address holds at most 256 × 2.5 kB.
    /// </summary>
    public int PerAddress { get; set; } = 256;

    /// <summary>
    /// New connections one address may open per second, on average; 0 turns the limit off. Default 32: a
    /// person opens one per page load or reconnect; this lets <see cref="PerAddress"/> people behind one NAT
    /// all reconnect within a few seconds of a restart (the web app waits 1–5 s, spread).
    /// </summary>
    public int NewPerSecond { get; set; } = 32;

    /// <summary>
    /// New connections one address may open at once before <see cref="NewPerSecond"/> applies (the token
    /// bucket's size). Default 128: half of <see cref="PerAddress"/> at once, the rest at the rate.
    /// </summary>
    public int NewBurst { get; set; } = 128;

    /// <summary>
    /// Open signaling connections in all. Default 0: derived from the process's open-file limit, less a
    /// reserve for the web app, Kestrel and the runtime (a tenth of the limit, 128 … 4096 descriptors) and
    /// less <see cref="MaxPendingHandshakes"/>, so the server refuses upgrades with 503 before it runs out of
    /// descriptors and the web app, <c>/healthz</c> and <c>/metrics</c> still answer.
    /// </summary>
    public int MaxConnections { get; set; }

    /// <summary>
    /// Connections on the direct path whose request head has not been decided yet (silent or slow ones);
    /// one more is closed at once. Default 0: a tenth of the open-file limit, 16 … 1024. A real client sends
    /// its handshake within one round trip, so a thousand in progress is a reconnect storm of thousands per
    /// second. Kestrel's own limits guard the pipeline path.
    /// </summary>
    public int MaxPendingHandshakes { get; set; }

    /// <summary>
    /// Pending handshakes (as <see cref="MaxPendingHandshakes"/>) one socket peer may have; 0 turns the limit
    /// off. Not applied to <see cref="SwitchboardOptions.KnownProxies"/>, whose clients all arrive from one
    /// address. Default 128, as <see cref="NewBurst"/>: a burst the rate allows arrives all at once (a NAT's
    /// browsers reconnecting together), and must not be cut here instead.
    /// </summary>
    public int PendingHandshakesPerAddress { get; set; } = 128;

    /// <summary><see cref="MaxPendingHandshakes"/>, or what 0 derives from this process's open-file limit.</summary>
    public int EffectiveMaxPendingHandshakes => MaxPendingHandshakes > 0 ? MaxPendingHandshakes : DescriptorLimit.DefaultPendingHandshakes(DescriptorLimit.Soft());

    /// <summary><see cref="MaxConnections"/>, or what 0 derives from this process's open-file limit.</summary>
    public int EffectiveMaxConnections => MaxConnections > 0 ? MaxConnections : DescriptorLimit.DefaultMaxConnections(DescriptorLimit.Soft(), EffectiveMaxPendingHandshakes);
}
