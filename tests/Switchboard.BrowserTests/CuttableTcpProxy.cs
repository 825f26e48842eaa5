using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.BrowserTests;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a server, for one person's pages: <see cref="CutAll"/> resets
/// every connection through it on both sides, as a vanished network does. No close frame reaches either
/// end, which a browser cannot be made to do with its own WebSocket, and the relay keeps accepting, so
/// the page's reconnect gets through.
/// </summary>
public sealed class CuttableTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<Socket, Socket> _pairs = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private volatile TaskCompletionSource _gate = Opened();

    public CuttableTcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The connections open through the relay now.</summary>
    public int OpenConnections => _pairs.Count;

    /// <summary>
    /// Resets every connection through the relay (RST both ways); returns how many there were. With
    /// <paramref name="holdNew"/>, connections made after it wait (accepted, not yet passed on) until
    /// <see cref="Release"/>: the person stays away for as long as the test needs, and the browser sees
    /// a slow connect rather than a failed one.
    /// </summary>
    public int CutAll(bool holdNew = false)
    {
        if (holdNew)
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var cut = 0;
        foreach (var (client, upstream) in _pairs)
        {
            if (_pairs.TryRemove(client, out _))
            {
                Reset(client);
                Reset(upstream);
                cut++;
            }
        }

        return cut;
    }

    /// <summary>Passes on the connections held since <see cref="CutAll"/>, and every later one.</summary>
    public void Release() => _gate.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _stopping.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private static void Reset(Socket socket)
    {
        try
        {
            // Linger 0: close sends RST instead of FIN, so neither end sees an orderly shutdown.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
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
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await _gate.Task.WaitAsync(_stopping.Token);
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException)
        {
            Reset(client);
            upstream.Dispose();
            return;
        }

        _pairs[client] = upstream;
        await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client));
        if (_pairs.TryRemove(client, out _))
        {
            client.Dispose();
            upstream.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stopping.Token);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // One end failed or was cut: the other pump must not wait for it forever.
            from.Dispose();
            to.Dispose();
        }
    }
}
