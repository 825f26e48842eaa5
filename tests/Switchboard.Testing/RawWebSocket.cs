using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Testing;

/// <summary>
/// A WebSocket client written against raw TCP, for what a well-behaved library will not do: stay silent
/// to pings, split a message into arbitrary frames, or vanish without a close frame.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public const byte Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA;

    /// <summary>The server's answer to the opening handshake.</summary>
    public string ResponseHead { get; private set; } = string.Empty;

    /// <summary>A well-formed opening handshake for <paramref name="path"/>, with <paramref name="extraHeaders"/> before the blank line.</summary>
    public static string UpgradeRequest(Uri server, string path = "/ws", string extraHeaders = "") =>
        $"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n";

    public static Task<RawWebSocket> ConnectAsync(Uri server, string path = "/ws") =>
        ConnectAsync(server, [UpgradeRequest(server, path)], TimeSpan.Zero);

    /// <summary>Connects and sends the handshake in <paramref name="pieces"/>, pausing between them as a slow client would.</summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri server, IReadOnlyList<string> pieces, TimeSpan pause)
    {
        var socket = await OpenAsync(server);
        foreach (var piece in pieces)
        {
            if (pause > TimeSpan.Zero && !ReferenceEquals(piece, pieces[0]))
            {
                await Task.Delay(pause);
            }

            await socket.SendRawAsync(piece);
        }

        await socket.ExpectUpgradeAsync();
        return socket;
    }

    /// <summary>A TCP connection to the server with nothing sent yet.</summary>
    public static async Task<RawWebSocket> OpenAsync(Uri server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port).DefaultTimeout();
        return new RawWebSocket(tcp);
    }

    /// <summary>A TCP connection from <paramref name="source"/> (any 127.0.0.x on loopback) with nothing sent yet.</summary>
    public static async Task<RawWebSocket> OpenFromAsync(System.Net.IPAddress source, Uri server)
    {
        var tcp = new TcpClient(new System.Net.IPEndPoint(source, 0));
        await tcp.ConnectAsync(server.Host, server.Port).DefaultTimeout();
        return new RawWebSocket(tcp);
    }

    /// <summary>Connects from <paramref name="source"/> and completes the opening handshake, which must be 101.</summary>
    public static async Task<RawWebSocket> ConnectFromAsync(System.Net.IPAddress source, Uri server, string path = "/ws")
    {
        var socket = await OpenFromAsync(source, server);
        await socket.SendRawAsync(UpgradeRequest(server, path));
        await socket.ExpectUpgradeAsync();
        return socket;
    }

    public Task SendRawAsync(string text) => _stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask().DefaultTimeout();

    /// <summary>Reads an HTTP response head (status line and headers).</summary>
    public Task<string> ReadResponseHeadAsync() => ReadHeadersAsync().DefaultTimeout();

    /// <summary>Reads and discards an HTTP body of <paramref name="length"/> bytes.</summary>
    public Task ReadBodyAsync(int length) => ReadExactlyAsync(length).DefaultTimeout();

    /// <summary>Reads the answer to the handshake, which must be 101.</summary>
    public async Task ExpectUpgradeAsync()
    {
        ResponseHead = await ReadResponseHeadAsync();
        if (!ResponseHead.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Upgrade refused: {ResponseHead}");
        }
    }

    /// <summary>Sends one masked frame, as a client must.</summary>
    public Task SendFrameAsync(byte opcode, ReadOnlyMemory<byte> payload, bool fin = true) =>
        SendBytesAsync(Frame(opcode, payload.Span, fin));

    /// <summary>
    /// Writes <paramref name="bytes"/> and waits as long as the server takes to let them through (TCP flow
    /// control), bounded only by <paramref name="cancellationToken"/>: for tests of a server that stops reading.
    /// </summary>
    public Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => _stream.WriteAsync(bytes, cancellationToken).AsTask();

    /// <summary>Writes <paramref name="bytes"/> as they are: several frames at once, a frame in pieces, or a broken one.</summary>
    public Task SendBytesAsync(ReadOnlyMemory<byte> bytes) => _stream.WriteAsync(bytes).AsTask().DefaultTimeout();

    /// <summary>
    /// One client frame. <paramref name="masked"/> false and <paramref name="reservedBits"/> other than 0
    /// make frames a client must never send.
    /// </summary>
    public static byte[] Frame(byte opcode, ReadOnlySpan<byte> payload, bool fin = true, bool masked = true, byte reservedBits = 0)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | (reservedBits << 4) | opcode) };
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length < 126)
        {
            header.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }

        var body = payload.ToArray();
        if (masked)
        {
            var mask = RandomNumberGenerator.GetBytes(4);
            header.AddRange(mask);
            for (var i = 0; i < body.Length; i++)
            {
                body[i] ^= mask[i % 4];
            }
        }

        return [.. header, .. body];
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> over and over, as fast as the connection takes them, reading nothing,
    /// until <paramref name="duration"/> has passed, <paramref name="cancellationToken"/> ends it, or the
    /// server drops the connection (a write fails). A write the server does not take (its reading has
    /// stopped) waits, up to the same deadline.
    /// </summary>
    public async Task<FloodResult> FloodAsync(ReadOnlyMemory<byte> bytes, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(duration);
        long written = 0;
        try
        {
            while (true)
            {
                await _stream.WriteAsync(bytes, deadline.Token);
                written += bytes.Length;
            }
        }
        catch (OperationCanceledException)
        {
            return new FloodResult(written, Dropped: false, started.Elapsed);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Reset or broken pipe: the server closed the connection while we were still sending.
            return new FloodResult(written, Dropped: true, started.Elapsed);
        }
    }

    /// <summary>
    /// One read of at most <paramref name="count"/> bytes, as a client that reads a trickle would: how many
    /// arrived, 0 once the server has closed or reset the connection.
    /// </summary>
    public async Task<int> ReadSomeAsync(int count, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[count];
        try
        {
            return await _stream.ReadAsync(buffer, cancellationToken).AsTask().WaitAsync(TestTimeouts.Default, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>Half-closes the connection (FIN): the client will send nothing more but still reads.</summary>
    public void EndSending() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>True once the server has closed the TCP connection (a read returns nothing); frames still arriving are skipped.</summary>
    public async Task<bool> ServerClosedTcpAsync() => await ReadToEndAsync() >= 0;

    /// <summary>Reads until the server closes the TCP connection; returns how many bytes arrived.</summary>
    public async Task<long> ReadToEndAsync()
    {
        var buffer = new byte[4096];
        long total = 0;
        try
        {
            int count;
            while ((count = await _stream.ReadAsync(buffer).AsTask().DefaultTimeout()) > 0)
            {
                total += count;
            }

            return total;
        }
        catch (IOException)
        {
            // A reset also ends the connection, just less politely.
            return total;
        }
    }

    /// <summary>Reads whatever has arrived, up to <paramref name="buffer"/>'s length, without caring about frames; 0 when the server closed.</summary>
    public async Task<int> ReadSomeAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _stream.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public Task SendTextAsync(string text) => SendFrameAsync(Text, Encoding.UTF8.GetBytes(text));

    /// <summary>Reads the next frame from the server (server frames are never masked).</summary>
    public async Task<(byte Opcode, byte[] Payload)> ReadFrameAsync()
    {
        var head = await ReadExactlyAsync(2);
        var opcode = (byte)(head[0] & 0x0F);
        long length = head[1] & 0x7F;
        if (length == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2));
        }
        else if (length == 127)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactlyAsync(8));
        }

        return (opcode, await ReadExactlyAsync((int)length));
    }

    /// <summary>Reads frames until a close frame and returns its status code; answers nothing.</summary>
    public async Task<int> ReadUntilCloseAsync()
    {
        while (true)
        {
            var (opcode, payload) = await ReadFrameAsync().DefaultTimeout();
            if (opcode == Close)
            {
                return payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
            }
        }
    }

    /// <summary>Drops the TCP connection without any close frame.</summary>
    public void Vanish()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Close();
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer);
        return buffer;
    }

    private async Task<string> ReadHeadersAsync()
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 4 || !(bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            await _stream.ReadExactlyAsync(one);
            bytes.Add(one[0]);
        }

        return Encoding.ASCII.GetString(bytes.ToArray());
    }
}
