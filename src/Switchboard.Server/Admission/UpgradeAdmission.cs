using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Server.Diagnostics;

namespace Switchboard.Server.Admission;

/// <summary>
/// The one place that decides whether a WebSocket upgrade is taken, on the handshake's data (Origin, Host,
/// the resolved client address; the path has already been matched by then, and no policy depends on it), for both ways in: the direct path's parser and the pipeline's
/// middleware each ask it and only carry out the answer. In order: draining (503), the Origin policy
/// (403), then the connection limits (503 with <c>Retry-After</c>). An admitted upgrade holds a ticket
/// that its connection gives back, once, when it ends (<see cref="Release"/>).
/// </summary>
internal sealed partial class UpgradeAdmission
{
    /// <summary>Seconds a refused client is asked to wait (<c>Retry-After</c>).</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Longest Origin written to the log: the header may be kilobytes long.</summary>
    private const int MaxLoggedOrigin = 200;

    private static readonly UpgradeRefusal _draining = new(503, "the server is restarting; try again in a few seconds", HandshakeResult.Draining);
    private static readonly UpgradeRefusal _foreignOrigin = new(403, "this page's origin may not connect to this server", HandshakeResult.ForbiddenOrigin, 0);
    private static readonly UpgradeRefusal _missingOrigin = new(403, "an Origin header is required", HandshakeResult.ForbiddenOrigin, 0);
    private static readonly UpgradeRefusal _addressLimit = new(503, "too many connections from your address; try again later", HandshakeResult.AddressLimit);
    private static readonly UpgradeRefusal _serverFull = new(503, "the server is full; try again later", HandshakeResult.ServerFull);

    private readonly ClientAddressResolver _addresses;
    private readonly SwitchboardDrain _drain;
    private readonly OriginPolicy _origins;
    private readonly ILogger _logger;

    public UpgradeAdmission(ClientAddressResolver addresses, SwitchboardDrain drain, ConnectionLimits limits, IOptions<SwitchboardOptions> options, ILogger<UpgradeAdmission> logger)
        : this(addresses, drain, limits, new OriginPolicy(options.Value.AllowedOrigins, options.Value.RequireOrigin), logger)
    {
    }

    private UpgradeAdmission(ClientAddressResolver addresses, SwitchboardDrain drain, ConnectionLimits limits, OriginPolicy origins, ILogger logger)
    {
        _addresses = addresses;
        _drain = drain;
        _origins = origins;
        _logger = logger;
        Limits = limits;
    }

    /// <summary>Every upgrade taken, from any origin, without limits: a connection tested on its own.</summary>
    public static UpgradeAdmission Open() =>
        new(new ClientAddressResolver([]), new SwitchboardDrain(), ConnectionLimits.None(), new OriginPolicy(["*"], requireOrigin: false), NullLogger.Instance);

    /// <summary>The counts and caps behind the decision.</summary>
    public ConnectionLimits Limits { get; }

    /// <summary>Whether any <c>X-Forwarded-For</c> is believed at all.</summary>
    public bool TrustsProxies => _addresses.TrustsProxies;

    /// <summary>The address the client connects from; see <see cref="ClientAddressResolver"/>.</summary>
    public IPAddress? ClientAddress(IPAddress? peer, ReadOnlySpan<char> forwardedFor) => _addresses.Resolve(peer, forwardedFor);

    /// <summary>Whether <paramref name="peer"/> is one of the known proxies (whose clients share its address).</summary>
    public bool IsKnownProxy(IPAddress peer) => _addresses.IsKnownProxy(peer);

    /// <summary>
    /// Null to take the upgrade, with <paramref name="admitted"/> the ticket its connection gives back to
    /// <see cref="Release"/>; otherwise why not (and nothing is held).
    /// </summary>
    /// <param name="origin">The Origin header, null when there is none.</param>
    /// <param name="host">The Host header (HTTP/2: <c>:authority</c>).</param>
    /// <param name="client">The resolved client address.</param>
    /// <param name="admitted">What the connection holds until it ends.</param>
    public UpgradeRefusal? Decide(string? origin, string host, IPAddress? client, out AddressCount? admitted)
    {
        admitted = null;
        if (_drain.IsDraining)
        {
            return _draining;
        }

        switch (_origins.Judge(origin, host))
        {
            case OriginVerdict.Foreign:
                Log.ForeignOrigin(_logger, origin!.Length > MaxLoggedOrigin ? origin[..MaxLoggedOrigin] : origin, host, client);
                return _foreignOrigin;
            case OriginVerdict.Missing:
                Log.MissingOrigin(_logger, client);
                return _missingOrigin;
        }

        var result = Limits.TryAdmit(client, out admitted, out var retryAfter);
        switch (result)
        {
            case HandshakeResult.Accepted:
                return null;
            case HandshakeResult.ServerFull:
                Log.ServerFull(_logger, Limits.MaxConnections, client);
                return _serverFull;
            case HandshakeResult.AddressRate:
                var seconds = (int)Math.Clamp(Math.Ceiling(retryAfter.TotalSeconds), 1, 60);
                Log.AddressLimited(_logger, client, "new connections per second");
                return new UpgradeRefusal(503, "too many new connections from your address; try again in a moment", HandshakeResult.AddressRate, seconds);
            default:
                Log.AddressLimited(_logger, client, "connections per address");
                return _addressLimit;
        }
    }

    /// <summary>Gives back what an admitted upgrade held. Once per ticket.</summary>
    public void Release(AddressCount admitted) => Limits.Release(admitted);

    private static partial class Log
    {
        [LoggerMessage(170, LogLevel.Warning, "WebSocket upgrade refused (403): origin {Origin} is neither this server's own (Host {Host}) nor in Switchboard:AllowedOrigins; client {ClientAddress}", EventName = "ForeignOriginRefused")]
        public static partial void ForeignOrigin(ILogger logger, string origin, string host, IPAddress? clientAddress);

        [LoggerMessage(171, LogLevel.Warning, "WebSocket upgrade refused (403): no Origin header and Switchboard:RequireOrigin is set; client {ClientAddress}", EventName = "MissingOriginRefused")]
        public static partial void MissingOrigin(ILogger logger, IPAddress? clientAddress);

        [LoggerMessage(172, LogLevel.Debug, "WebSocket upgrade refused (503): {ClientAddress} is over its limit of {Limit}", EventName = "AddressLimited")]
        public static partial void AddressLimited(ILogger logger, IPAddress? clientAddress, string limit);

        [LoggerMessage(173, LogLevel.Warning, "WebSocket upgrade refused (503): the server holds its maximum of {MaxConnections} connections (Switchboard:ConnectionLimits:MaxConnections); client {ClientAddress}", EventName = "ServerFull")]
        public static partial void ServerFull(ILogger logger, int maxConnections, IPAddress? clientAddress);
    }
}
