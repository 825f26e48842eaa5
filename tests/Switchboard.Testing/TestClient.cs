using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Switchboard.Testing;

/// <summary>
/// A real <see cref="ClientWebSocket"/> with a background reader: tests send JSON and await the next
/// message (always with a timeout), and can see how the server closed the connection.
/// </summary>
public sealed class TestClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonObject> _inbox = Channel.CreateUnbounded<JsonObject>();
    private readonly Task _reader;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private TestClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadAsync);
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>Completes when the server has closed (or dropped) the connection.</summary>
    public Task Closed => _reader;

    /// <summary>Text frames that were not JSON objects (the server never sends those).</summary>
    public List<string> Unparsable { get; } = [];

    public static async Task<TestClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        configure?.Invoke(socket.Options);
        await socket.ConnectAsync(uri, CancellationToken.None).DefaultTimeout();
        return new TestClient(socket);
    }

    /// <summary>
    /// Connects from <paramref name="source"/> (any 127.0.0.x binds on loopback): a client on another address,
    /// for tests of limits that count by address.
    /// </summary>
    public static async Task<TestClient> ConnectFromAsync(System.Net.IPAddress source, Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        configure?.Invoke(socket.Options);
        var handler = new System.Net.Http.SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var tcp = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    tcp.Bind(new System.Net.IPEndPoint(source, 0));
                    await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(tcp, ownsSocket: true);
                }
                catch
                {
                    tcp.Dispose();
                    throw;
                }
            },
        };

        // The invoker only opens the connection; after the upgrade the socket lives in the WebSocket.
        await socket.ConnectAsync(uri, new System.Net.Http.HttpMessageInvoker(handler), CancellationToken.None).DefaultTimeout();
        return new TestClient(socket);
    }

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type, bool endOfMessage = true)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, type, endOfMessage, CancellationToken.None).DefaultTimeout();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next message from the server.</summary>
    public async Task<JsonObject> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
        try
        {
            return await _inbox.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No message from the server in time.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The connection closed ({CloseStatus} {CloseDescription}) before a message arrived.");
        }
    }

    /// <summary>The next message, which must be of <paramref name="type"/>.</summary>
    public async Task<JsonObject> ExpectAsync(string type, TimeSpan? timeout = null)
    {
        var message = await ReceiveAsync(timeout);
        var actual = (string?)message["type"];
        if (actual != type)
        {
            throw new Xunit.Sdk.XunitException($"Expected a '{type}' message but got: {message.ToJsonString()}");
        }

        return message;
    }

    /// <summary>Sends <c>createRoom</c> and returns the room id.</summary>
    public async Task<(string RoomId, string PeerId)> CreateRoomAsync(int? capacity = null)
    {
        await SendAsync(capacity is null ? new { type = "createRoom" } : new { type = "createRoom", capacity });
        var created = await ExpectAsync("roomCreated");
        return ((string)created["roomId"]!, (string)created["peerId"]!);
    }

    /// <summary>Sends <c>join</c> and returns the <c>joined</c> answer.</summary>
    public async Task<JsonObject> JoinAsync(string roomId)
    {
        await SendAsync(new { type = "join", roomId });
        return await ExpectAsync("joined");
    }

    /// <summary>True when nothing arrives within <paramref name="quiet"/>; used only to check that something did not happen.</summary>
    public async Task<bool> NothingArrivesAsync(TimeSpan quiet)
    {
        using var cts = new CancellationTokenSource(quiet);
        try
        {
            await _inbox.Reader.WaitToReadAsync(cts.Token);
            return !_inbox.Reader.TryPeek(out _);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).DefaultTimeout();
        }

        await _reader.DefaultTimeout();
    }

    /// <summary>Drops the TCP connection without a close frame, as a crashed browser would.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _reader.WaitAsync(TestTimeouts.Default).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1024 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }

                    return;
                }

                var text = Encoding.UTF8.GetString(buffer, 0, count);
                if (JsonNode.Parse(text) is JsonObject message)
                {
                    _inbox.Writer.TryWrite(message);
                }
                else
                {
                    Unparsable.Add(text);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server dropped us, or the test aborted.
        }
        finally
        {
            _inbox.Writer.TryComplete();
        }
    }
}
