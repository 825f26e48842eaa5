using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Server.Admission;
using Switchboard.Server.Auth;
using Switchboard.Server.Dialects;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Seats;

namespace Switchboard.Server.Connections;

/// <summary>
/// Makes a <see cref="PeerConnection"/> over a transport, whichever way the client arrived: straight from
/// the socket (<c>Transport.DirectTransport</c>) or through the HTTP pipeline
/// (<c>Hosting.PipelineTransport</c>), and holds what every connection shares.
/// </summary>
internal sealed class PeerConnectionFactory
{
    public PeerConnectionFactory(IOptions<SwitchboardOptions> options, NativeDialect dialect, ConnectionStore connections, ReceiveBufferBudget receiveBudget, SendBacklogBudget sendBacklog, SwitchboardMetrics metrics, UpgradeAdmission admission, TimeProvider timeProvider, ILoggerFactory loggerFactory, ConnectionAuthenticator? authenticator = null)
        : this(options.Value, (IMessageHandler)dialect, connections, receiveBudget, sendBacklog, metrics, timeProvider, loggerFactory)
    {
        Admission = admission;
        Authenticator = authenticator is { Enabled: true } ? authenticator : null;
    }

    /// <summary>For a handler other than the native dialect (tests of the connection on its own).</summary>
    public PeerConnectionFactory(SwitchboardOptions options, IMessageHandler handler, ConnectionStore connections, ReceiveBufferBudget receiveBudget, SendBacklogBudget sendBacklog, SwitchboardMetrics metrics, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        Metrics = metrics;
        SendBacklog = sendBacklog;
        Options = options;
        Handler = handler;
        Connections = connections;
        ReceiveBudget = receiveBudget;
        TimeProvider = timeProvider;
        Rates = new MessageRates(options.MessageLimits, timeProvider);
        SeatLimits = new SeatLimits(options, sendBacklog);
        Logger = loggerFactory.CreateLogger<PeerConnection>();
    }

    public SwitchboardOptions Options { get; }

    /// <summary>The dialect every connection's messages go to.</summary>
    public IMessageHandler Handler { get; }

    public ConnectionStore Connections { get; }

    public ReceiveBufferBudget ReceiveBudget { get; }

    public SendBacklogBudget SendBacklog { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    /// <summary>The message limits in the units each connection's budget counts in.</summary>
    public MessageRates Rates { get; }

    public SwitchboardMetrics Metrics { get; }

    /// <summary>What an away seat may keep for its return.</summary>
    public SeatLimits SeatLimits { get; }

    /// <summary>Decides which upgrades are taken, for both ways in.</summary>
    public UpgradeAdmission Admission { get; } = UpgradeAdmission.Open();

    /// <summary>The authentication gate; null when authentication is off, so a connection then keeps no state for it.</summary>
    public ConnectionAuthenticator? Authenticator { get; init; }

    public int OpenConnections => Connections.Count;

    /// <summary>A connection over <paramref name="transport"/>; the transport starts it once it can deliver its events.</summary>
    /// <param name="transport">What carries the connection's bytes.</param>
    /// <param name="forwardedFor">The client's address when a known proxy forwarded it; null when it is the socket's peer.</param>
    /// <param name="admitted">What <see cref="UpgradeAdmission.Decide"/> admitted it with, given back when it ends; null when it was not counted.</param>
    /// <param name="query">The upgrade's query string, with its <c>?</c>: where an <c>access_token</c> may come.</param>
    public PeerConnection Create(IPeerTransport transport, IPAddress? forwardedFor, AddressCount? admitted = null, string? query = null) =>
        new(transport, this, forwardedFor, admitted) { Auth = Authenticator?.ForNewConnection(query) };
}
