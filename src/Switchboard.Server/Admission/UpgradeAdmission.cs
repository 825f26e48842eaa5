using System.Net;

namespace Switchboard.Server.Admission;

/// <summary>
/// The one place that decides whether a WebSocket upgrade is taken, on the handshake's data, for both ways
/// in: the direct path's parser and the pipeline's middleware each ask it and only carry out the answer.
/// Today it refuses while the server drains; Origin and per-address limits belong here too.
/// </summary>
internal sealed class UpgradeAdmission
{
    private static readonly UpgradeRefusal _draining = new(503, "the server is restarting; try again in a few seconds", Diagnostics.HandshakeResult.Draining);

    private readonly ClientAddressResolver _addresses;
    private readonly SwitchboardDrain _drain;

    public UpgradeAdmission(ClientAddressResolver addresses, SwitchboardDrain drain)
    {
        _addresses = addresses;
        _drain = drain;
    }

    /// <summary>Seconds a refused client is asked to wait (<c>Retry-After</c>).</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Whether any <c>X-Forwarded-For</c> is believed at all.</summary>
    public bool TrustsProxies => _addresses.TrustsProxies;

    /// <summary>The address the client connects from; see <see cref="ClientAddressResolver"/>.</summary>
    public IPAddress? ClientAddress(IPAddress? peer, ReadOnlySpan<char> forwardedFor) => _addresses.Resolve(peer, forwardedFor);

    /// <summary>Null to take the upgrade; otherwise why not. <paramref name="client"/> is the forwarded address when there is one (the direct path does not read the socket's peer unless it must).</summary>
    public UpgradeRefusal? Decide(string path, string? origin, IPAddress? client)
    {
        _ = path;
        _ = origin;
        _ = client;
        return _drain.IsDraining ? _draining : null;
    }
}
