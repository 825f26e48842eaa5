using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Connections;

namespace Switchboard.Server.Transport;

/// <summary>
/// Accepts TCP connections for Kestrel and takes the WebSocket upgrades for itself. It peeks at the first
/// bytes of each connection without consuming them: a plain WebSocket handshake on a signaling path is
/// answered here and the socket becomes a <see cref="PeerConnection"/> with nothing else attached; every
/// other connection is handed to Kestrel untouched, as if this listener were not there.
/// </summary>
/// <remarks>
/// Why: through the HTTP pipeline an idle WebSocket keeps Kestrel's connection, two pipes, the HTTP/1
/// connection and its HttpContext alive, about 13 kB of heap. Here it keeps a socket, a WebSocket and the
/// PeerConnection (docs/performance.md).
/// </remarks>
internal sealed partial class SwitchboardConnectionListener : IConnectionListener
{
    private readonly Socket _listenSocket;
    private readonly SocketConnectionContextFactory _contexts;
    private readonly PeerConnectionFactory _factory;
    private readonly SwitchboardOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<ConnectionContext> _httpConnections = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;

    public SwitchboardConnectionListener(Socket listenSocket, PeerConnectionFactory factory, TimeProvider timeProvider, ILogger logger)
    {
        _listenSocket = listenSocket;
        _factory = factory;
        _options = factory.Options;
        _timeProvider = timeProvider;
        _logger = logger;
        _contexts = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), logger);
        EndPoint = listenSocket.LocalEndPoint!;
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

        // The host has asked every connection to close (1001); give them time to finish the handshake.
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
                Log.AcceptFailed(_logger, ex.SocketErrorCode);
                continue;
            }

            socket.NoDelay = true;
            _ = HandleAsync(socket);
        }
    }

    private async Task HandleAsync(Socket socket)
    {
        try
        {
            var (result, request) = await SniffAsync(socket);
            if (result == HandshakeParseResult.Upgrade)
            {
                await StartWebSocketAsync(socket, request);
            }
            else if (result == HandshakeParseResult.NotOurs)
            {
                _httpConnections.Writer.TryWrite(_contexts.Create(socket));
            }
            else
            {
                socket.Dispose();
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            // The client went away during the handshake.
            socket.Dispose();
        }
        catch (Exception ex)
        {
            Log.ConnectionFailed(_logger, ex);
            socket.Dispose();
        }
    }

    /// <summary>
    /// Looks at the request head without consuming it. Browsers send it in one segment; a head that
    /// arrives in pieces is peeked again after short pauses until the handshake timeout.
    /// </summary>
    private async Task<(HandshakeParseResult, HandshakeRequest)> SniffAsync(Socket socket)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(HandshakeParser.MaxHeadLength);
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        try
        {
            // Wait for the first bytes without holding a buffer for them.
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, linked.Token);
            var pause = TimeSpan.FromMilliseconds(5);
            while (true)
            {
                var count = await socket.ReceiveAsync(buffer.AsMemory(0, HandshakeParser.MaxHeadLength), SocketFlags.Peek, linked.Token);
                if (count == 0)
                {
                    // Closed before saying anything.
                    return (HandshakeParseResult.Incomplete, default);
                }

                var result = HandshakeParser.TryParse(buffer.AsSpan(0, count), _options.EffectivePaths, out var request);
                if (result != HandshakeParseResult.Incomplete)
                {
                    return (result, request);
                }

                await Task.Delay(pause, _timeProvider, linked.Token);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(200).Ticks));
            }
        }
        catch (OperationCanceledException)
        {
            // Slow or silent: Kestrel applies its own request timeouts to it.
            return (_stopping.IsCancellationRequested ? HandshakeParseResult.Incomplete : HandshakeParseResult.NotOurs, default);
        }
        catch (SocketException)
        {
            return (HandshakeParseResult.Incomplete, default);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Completes the handshake and starts the connection; returns without waiting for it to end.</summary>
    private async Task StartWebSocketAsync(Socket socket, HandshakeRequest request)
    {
        // The head was only peeked: take exactly it, leaving any frames sent right after it in place.
        var head = ArrayPool<byte>.Shared.Rent(request.HeadLength);
        try
        {
            var taken = 0;
            while (taken < request.HeadLength)
            {
                var count = await socket.ReceiveAsync(head.AsMemory(taken, request.HeadLength - taken), SocketFlags.None);
                if (count == 0)
                {
                    socket.Dispose();
                    return;
                }

                taken += count;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }

        var stream = new DirectSocketStream(socket, _timeProvider, _options.CloseTimeout);
        await stream.WriteAsync(WebSocketAccept.Response(request.Key));
        var webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = _options.KeepAliveInterval,
            KeepAliveTimeout = _options.KeepAliveTimeout,
        });

        // Not awaited: the connection's own RunAsync is all that stays suspended while it is idle.
        _ = _factory.Create(webSocket).RunAsync(stream);
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Debug, "Accepting a connection failed: {Error}", EventName = "AcceptFailed")]
        public static partial void AcceptFailed(ILogger logger, SocketError error);

        [LoggerMessage(41, LogLevel.Error, "A connection failed unexpectedly", EventName = "ConnectionFailed")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception);
    }
}
