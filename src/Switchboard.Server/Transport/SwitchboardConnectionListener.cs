using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Connections;
using Switchboard.Server.Transport.Epoll;

namespace Switchboard.Server.Transport;

/// <summary>
/// Accepts TCP connections for Kestrel and takes the WebSocket upgrades for itself. Each new connection
/// goes to an epoll loop as a <see cref="PendingHandshake"/>, which peeks at its first bytes without
/// consuming them: a plain WebSocket handshake on a signaling path is answered there and the socket becomes
/// a <see cref="PeerConnection"/> over a <see cref="DirectTransport"/> with nothing else attached; every other connection is handed to
/// Kestrel untouched, as if this listener were not there.
/// </summary>
/// <remarks>
/// Why: through the HTTP pipeline an idle WebSocket keeps Kestrel's connection, two pipes, the HTTP/1
/// connection and its HttpContext alive, about 13 kB of heap. Here it keeps a socket, its epoll
/// registration and the connection object (docs/performance.md).
/// </remarks>
internal sealed partial class SwitchboardConnectionListener : IConnectionListener
{
    private readonly Socket _listenSocket;
    private readonly SocketConnectionContextFactory _contexts;
    private readonly PeerConnectionFactory _factory;
    private readonly EpollEngine _engine;
    private readonly SwitchboardOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<ConnectionContext> _httpConnections = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;

    public SwitchboardConnectionListener(Socket listenSocket, PeerConnectionFactory factory, EpollEngine engine, TimeProvider timeProvider, ILogger logger, long? maxReadBufferSize)
    {
        _listenSocket = listenSocket;
        _factory = factory;
        _engine = engine;
        _options = factory.Options;
        _timeProvider = timeProvider;
        _logger = logger;
        // Connections handed to Kestrel buffer no more than Kestrel's own transport is set to (KestrelBufferLimits).
        _contexts = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions { MaxReadBufferSize = maxReadBufferSize }, logger);
        EndPoint = listenSocket.LocalEndPoint!;
        Paths = _options.DirectPaths;
        _acceptLoop = AcceptLoopAsync();
    }

    public EndPoint EndPoint { get; }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _httpConnections.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        await _stopping.CancelAsync();
        _listenSocket.Dispose();
        await _acceptLoop;
        _httpConnections.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync();

        // The host has asked every connection to close (1012); give them time to finish the handshake.
        var deadline = _timeProvider.GetTimestamp();
        while (_factory.OpenConnections > 0 && _timeProvider.GetElapsedTime(deadline) < _options.CloseTimeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _timeProvider);
        }

        while (_httpConnections.Reader.TryRead(out var orphan))
        {
            await orphan.DisposeAsync();
        }

        _contexts.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listenSocket.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A client that reset before we accepted it, or a transient shortage: keep listening.
                try
                {
                    Log.AcceptFailed(_logger, ex.SocketErrorCode);
                }
                catch (Exception)
                {
                    // Out of memory even for the log line; the loop must go on regardless.
                }

                if (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    // Out of descriptors or memory: retrying at once would only spin until some are freed.
                    await Task.Delay(TimeSpan.FromMilliseconds(50), _timeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                continue;
            }
            catch (Exception ex)
            {
                // Anything else (memory running out) must not end the loop every future client depends on.
                try
                {
                    Log.ConnectionFailed(_logger, ex);
                }
                catch (Exception)
                {
                    // Not even the log could be written; keep listening.
                }

                continue;
            }

            Handle(socket);
        }
    }

    /// <summary>The signaling paths a handshake may ask for.</summary>
    public IReadOnlyList<string> Paths { get; } = [];

    public PeerConnectionFactory Factory => _factory;

    /// <summary>Gives a connection that is not a direct WebSocket to Kestrel, untouched.</summary>
    public void HandToKestrel(Socket socket)
    {
        if (!_httpConnections.Writer.TryWrite(_contexts.Create(socket)))
        {
            socket.Dispose();
        }
    }

    private void Handle(Socket socket)
    {
        PendingHandshake? handshake = null;
        try
        {
            var admission = _factory.Admission;
            var peer = (socket.RemoteEndPoint as IPEndPoint)?.Address;
            if (admission.Limits.TryStartPending(peer, peer is not null && admission.IsKnownProxy(peer)) is not { } pending)
            {
                // Too many connections that have not said what they want: this one is closed unread, before
                // it costs a buffer, a timer or a thread's attention.
                _factory.Metrics.CountHandshake(Diagnostics.HandshakeResult.PendingLimit);
                Log.PendingRefused(_logger, peer);
                socket.Dispose();
                return;
            }

            socket.NoDelay = true;
            handshake = new PendingHandshake(socket, this, pending);
            handshake.Start(_engine, _timeProvider, _options.HandshakeTimeout);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client went away before it could be watched.
            handshake?.Drop();
            socket.Dispose();
        }
        catch (Exception ex)
        {
            handshake?.Drop();
            socket.Dispose();
            try
            {
                Log.ConnectionFailed(_logger, ex);
            }
            catch (Exception)
            {
                // The socket is released; that is what matters.
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Debug, "Accepting a connection failed: {Error}", EventName = "AcceptFailed")]
        public static partial void AcceptFailed(ILogger logger, SocketError error);

        [LoggerMessage(41, LogLevel.Error, "A connection failed unexpectedly", EventName = "ConnectionFailed")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception);

        [LoggerMessage(174, LogLevel.Debug, "A connection from {PeerAddress} was closed unread: too many handshakes in progress (Switchboard:ConnectionLimits)", EventName = "PendingHandshakeRefused")]
        public static partial void PendingRefused(ILogger logger, IPAddress? peerAddress);
    }
}
