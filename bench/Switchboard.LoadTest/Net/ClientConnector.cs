using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Switchboard.LoadTest.Targets;

namespace Switchboard.LoadTest.Net;

/// <summary>
/// Opens WebSocket connections to the target. ClientWebSocket cannot choose its source address, so the
/// handshake goes through a <see cref="SocketsHttpHandler"/> whose connect callback binds each socket to
/// the next 127.0.0.x before connecting.
/// </summary>
internal sealed class ClientConnector : IDisposable
{
    // Linux IP_BIND_ADDRESS_NO_PORT: the port is picked at connect() by the whole 4-tuple instead of at
    // bind() by the address alone, so every source address has its own full ephemeral port range.
    private const int IpBindAddressNoPort = 24;

    private readonly LoopbackTarget _target;
    private readonly ConnectorOptions _options;
    private readonly IPAddress[] _sourceAddresses;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _invoker;
    private readonly SemaphoreSlim _gate;
    private int _nextSource;

    public ClientConnector(LoopbackTarget target, ConnectorOptions options)
    {
        _target = target;
        _options = options;
        _sourceAddresses = SourceAddressesFor(target, options.SourceAddresses);
        _gate = new SemaphoreSlim(Math.Max(1, options.ConnectConcurrency));
        _handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = options.ConnectTimeout,
            ConnectCallback = ConnectSocketAsync,
        };
        _invoker = new HttpMessageInvoker(_handler);
    }

    /// <summary>Opens one connection to <paramref name="uri"/> (on the target), retrying refused attempts; throws when all fail.</summary>
    public async Task<LoadClient> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var socket = new ClientWebSocket();
                // Keep-alive is the server's job (its pings are answered automatically); the client adds no traffic.
                socket.Options.KeepAliveInterval = TimeSpan.Zero;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.ConnectTimeout);
                try
                {
                    await socket.ConnectAsync(uri, _invoker, timeout.Token);
                    return new LoadClient(socket);
                }
                catch (Exception ex) when (attempt < _options.ConnectAttempts && !cancellationToken.IsCancellationRequested && ex is WebSocketException or HttpRequestException or OperationCanceledException)
                {
                    socket.Dispose();
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _invoker.Dispose();
        _handler.Dispose();
        _gate.Dispose();
    }

    private async ValueTask<Stream> ConnectSocketAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        // The request's host is ignored: the socket goes to the endpoint validated as loopback, nowhere else.
        var socket = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (_sourceAddresses.Length > 0)
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpBindAddressNoPort, BitConverter.GetBytes(1));
                var source = _sourceAddresses[(int)((uint)Interlocked.Increment(ref _nextSource) % (uint)_sourceAddresses.Length)];
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(_target.EndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static IPAddress[] SourceAddressesFor(LoopbackTarget target, int count)
    {
        // Only IPv4 loopback is a whole /8; an IPv6 target uses ::1 as it is.
        if (target.AddressFamily != AddressFamily.InterNetwork || count <= 0)
        {
            return [];
        }

        return [.. Enumerable.Range(1, Math.Min(count, 254)).Select(i => new IPAddress(new byte[] { 127, 0, 0, (byte)i }))];
    }
}
