using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Server.Dialects;
using Switchboard.Server.Transport;
using Switchboard.Server.Transport.Epoll;

namespace Switchboard.Server.Connections;

/// <summary>
/// Makes an accepted WebSocket a <see cref="PeerConnection"/>, whichever way it arrived: through the
/// HTTP pipeline (<c>SwitchboardMiddleware</c>) or straight from the socket (<c>SwitchboardConnectionListener</c>),
/// which makes its <c>FramedPeerConnection</c>s with what this factory holds for all of them.
/// </summary>
internal sealed class PeerConnectionFactory
{
    private readonly SwitchboardOptions _options;
    private readonly NativeDialect _dialect;
    private readonly ConnectionStore _connections;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public PeerConnectionFactory(IOptions<SwitchboardOptions> options, NativeDialect dialect, ConnectionStore connections, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _dialect = dialect;
        _connections = connections;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<PeerConnection>();
    }

    public SwitchboardOptions Options => _options;

    public int OpenConnections => _connections.Count;

    /// <summary>The dialect every connection's messages go to.</summary>
    public IMessageHandler Handler => _dialect;

    public ConnectionStore Connections => _connections;

    public TimeProvider TimeProvider => _timeProvider;

    public ILogger Logger => _logger;

    public FramedPeerConnection CreateFramed(Socket socket, EpollRegistration registration) => new(socket, registration, this);

    public WebSocketPeerConnection Create(WebSocket socket) => new(socket, _dialect, _options, _connections, _timeProvider, _logger);
}
