using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Testing;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a server, for clients that cannot be reached into (a library's own
/// <c>ClientWebSocket</c>): <see cref="Cut"/> resets every connection through it, so neither side gets a close frame,
/// as when a network vanishes; while <see cref="Refusing"/> is set, new connections are reset as they arrive.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Pair, byte> _pairs = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private volatile bool _refusing;
    private int _accepted;

    private TcpProxy(IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The server's <c>/ws</c> endpoint, reached through the proxy.</summary>
    public Uri WebSocketAddress => new($"ws://127.0.0.1:{Port}/ws");

    /// <summary>While true, each new connection is reset at once (a network that is still down).</summary>
    public bool Refusing
    {
        get => _refusing;
        set => _refusing = value;
    }

    /// <summary>Connections relayed so far, refused ones not counted.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections open through the proxy now.</summary>
    public int Open => _pairs.Count;

    /// <summary>Relays to the server listening at <paramref name="server"/> (an <c>http://127.0.0.1:port</c> address).</summary>
    public static TcpProxy Start(Uri server) => new(new IPEndPoint(IPAddress.Parse(server.Host), server.Port));

    /// <summary>Resets every open connection on both sides (RST, no close frame, no FIN); returns how many there were.</summary>
    public int Cut()
    {
        var count = 0;
        foreach (var pair in _pairs.Keys)
        {
            pair.Reset();
            _pairs.TryRemove(pair, out _);
            count++;
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.WaitAsync(TestTimeouts.Default).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Cut();
        _stopping.Dispose();
    }

    private static void ResetSocket(Socket socket)
    {
        try
        {
            // A zero linger makes close send RST instead of FIN: the peer sees a connection reset.
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_refusing)
            {
                ResetSocket(client);
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_target, _stopping.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            ResetSocket(server);
            ResetSocket(client);
            return;
        }

        var pair = new Pair(client, server);
        _pairs[pair] = 0;
        Interlocked.Increment(ref _accepted);
        await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        _pairs.TryRemove(pair, out _);
        client.Dispose();
        server.Dispose();
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    // A FIN is passed on as a FIN, so a close handshake through the proxy stays clean.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // One side was reset (or cut): the other is reset too, as a vanished path looks from both ends.
            ResetSocket(from);
            ResetSocket(to);
        }
    }

    private sealed class Pair(Socket client, Socket server)
    {
        public void Reset()
        {
            ResetSocket(client);
            ResetSocket(server);
        }
    }
}
