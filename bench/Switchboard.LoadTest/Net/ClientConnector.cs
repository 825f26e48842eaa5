using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Switchboard.LoadTest.Targets;

namespace Switchboard.LoadTest.Net;

/// <summary>
/// Opens WebSocket connections to the target: a socket bound to the next 127.0.0.x, connected to the
/// endpoint validated as loopback, then the opening handshake written and checked by hand. No HTTP stack
/// is involved, so a connection costs a connect, one send and (usually) one receive.
/// </summary>
internal sealed class ClientConnector : IDisposable
{
    // Linux IP_BIND_ADDRESS_NO_PORT: the port is picked at connect() by the whole 4-tuple instead of at
    // bind() by the address alone, so every source address has its own full ephemeral port range.
    private const int IpBindAddressNoPort = 24;

    private const int MaxResponseHead = 16 * 1024;
    private static readonly byte[] _enabled = BitConverter.GetBytes(1);

    private readonly LoopbackTarget _target;
    private readonly ConnectorOptions _options;
    private readonly IPAddress[] _sourceAddresses;
    private readonly SemaphoreSlim _gate;
    private UpgradeRequest? _lastRequest;
    private int _nextSource;

    public ClientConnector(LoopbackTarget target, ConnectorOptions options)
    {
        _target = target;
        _options = options;
        _sourceAddresses = SourceAddressesFor(target, options.SourceAddresses);
        _gate = new SemaphoreSlim(Math.Max(1, options.ConnectConcurrency));
    }

    /// <summary>Opens one connection to <paramref name="uri"/> (on the target), retrying refused attempts; throws when all fail.</summary>
    public async Task<LoadClient> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var request = RequestFor(uri);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.ConnectTimeout);
                Socket? socket = null;
                try
                {
                    socket = NewSocket();
                    // The URL's host is ignored: the socket goes to the endpoint validated as loopback, nowhere else.
                    await socket.ConnectAsync(_target.EndPoint, timeout.Token);
                    var stream = _target.Tls ? await ClientStream.TlsAsync(socket, uri.Host, timeout.Token) : ClientStream.Plain(socket);
                    var reader = await HandshakeAsync(stream, request, timeout.Token);
                    return new LoadClient(stream, reader);
                }
                catch (Exception ex) when (attempt < _options.ConnectAttempts && !cancellationToken.IsCancellationRequested && ex is SocketException or WebSocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
                {
                    socket?.Dispose();
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
                }
                catch
                {
                    socket?.Dispose();
                    throw;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Sends the upgrade request and checks the 101; bytes the server sent after it stay buffered as frames.</summary>
    private static async Task<FrameReader> HandshakeAsync(ClientStream socket, UpgradeRequest request, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(request.Length, FrameReader.BufferSize));
        var accept = new byte[UpgradeRequest.AcceptLength];
        try
        {
            request.Write(buffer, accept);
            var sent = 0;
            while (sent < request.Length)
            {
                sent += await socket.SendAsync(buffer.AsMemory(sent, request.Length - sent), cancellationToken);
            }

            var count = 0;
            while (true)
            {
                if (count == buffer.Length)
                {
                    if (buffer.Length >= MaxResponseHead)
                    {
                        throw new WebSocketException(WebSocketError.HeaderError, $"the server's response head exceeded {MaxResponseHead} bytes");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var received = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                if (received == 0)
                {
                    throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "the server closed the connection during the handshake");
                }

                count += received;
                var head = UpgradeResponse.HeadLength(buffer.AsSpan(0, count));
                if (head >= 0)
                {
                    UpgradeResponse.Verify(buffer.AsSpan(0, head), accept);
                    var reader = new FrameReader();
                    reader.Adopt(buffer, head, count);
                    buffer = null;
                    return reader;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    // The seed dialects connect to one URL all run long: its request is formatted once. PeerJS's differ
    // per client (id and token in the query) and are formatted each time, which is still cheap.
    private UpgradeRequest RequestFor(Uri uri)
    {
        var last = Volatile.Read(ref _lastRequest);
        if (last is not null && last.Uri.Equals(uri))
        {
            return last;
        }

        var request = new UpgradeRequest(uri);
        Volatile.Write(ref _lastRequest, request);
        return request;
    }

    private Socket NewSocket()
    {
        var socket = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (_sourceAddresses.Length > 0)
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpBindAddressNoPort, _enabled);
                var source = _sourceAddresses[(int)((uint)Interlocked.Increment(ref _nextSource) % (uint)_sourceAddresses.Length)];
                socket.Bind(new IPEndPoint(source, 0));
            }

            return socket;
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
