using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Server.Connections;
using Switchboard.Server.Transport.Epoll;

namespace Switchboard.Server.Transport;

/// <summary>
/// Kestrel's transport for TCP endpoints when Switchboard takes WebSocket upgrades straight from the
/// socket (<see cref="SwitchboardOptions.DirectWebSockets"/>). Registered after Kestrel's own socket
/// transport, so Kestrel picks it for IP endpoints.
/// </summary>
internal sealed class SwitchboardTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    /// <summary>Kestrel's default backlog.</summary>
    private const int Backlog = 512;

    private readonly PeerConnectionFactory _factory;
    private readonly EpollEngine _engine;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SwitchboardConnectionListener> _logger;
    private readonly long? _maxReadBufferSize;

    public SwitchboardTransportFactory(PeerConnectionFactory factory, EpollEngine engine, TimeProvider timeProvider, ILogger<SwitchboardConnectionListener> logger, IOptions<SocketTransportOptions> socketOptions)
    {
        _maxReadBufferSize = socketOptions.Value.MaxReadBufferSize;
        _factory = factory;
        _engine = engine;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var ip = (IPEndPoint)endpoint;
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            // No address-reuse option, as Kestrel's own transport sets none. On Linux, SocketOptionName.ReuseAddress
            // sets SO_REUSEPORT as well, so a second server could bind the same port and the kernel split clients,
            // and so rooms, between the two. Socket.Bind itself sets plain SO_REUSEADDR for TCP on Unix (strace
            // shows it just before bind), which is what lets a restarted server rebind while old connections sit
            // in TIME_WAIT; ListenTests check both.
            socket.Bind(ip);
            socket.Listen(Backlog);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(ex.Message, ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ValueTask<IConnectionListener>(new SwitchboardConnectionListener(socket, _factory, _engine, _timeProvider, _logger, _maxReadBufferSize));
    }
}
