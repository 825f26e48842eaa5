using System.Buffers;
using System.Collections.Frozen;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Switchboard.Client.Internal;

namespace Switchboard.Client;

/// <summary>
/// A connection to a Switchboard server that outlives dropped WebSockets: create and join rooms, send messages to a
/// room or to one peer, and read everything the server sends with <see cref="ReadEventsAsync"/>. When the connection
/// drops, the client reconnects with backoff and resumes its seat (same peer id, nothing lost); when the server no
/// longer knows the seat (it restarted), it re-joins its rooms and reports each one that is gone.
/// </summary>
public sealed partial class SwitchboardClient : IAsyncDisposable
{
    /// <summary>Types the server acts on or sends itself: relaying one would not reach anyone as a message.</summary>
    private static readonly FrozenSet<string> _notRelayable = FrozenSet.Create(
        StringComparer.Ordinal,
        "createRoom", "join", "leave", "ping", "auth", "iceServers", "resume",
        "roomCreated", "joined", "left", "peerJoined", "peerLeft", "pong", "authenticated", "error",
        "resumed", "peerDisconnected", "peerReconnected");

    private static readonly FrozenSet<string> _serverTypes = FrozenSet.Create(
        StringComparer.Ordinal,
        "roomCreated", "joined", "left", "peerJoined", "peerLeft", "peerDisconnected", "peerReconnected", "resumed", "error", "authenticated");

    private readonly Lock _gate = new();
    private readonly Channel<SwitchboardEvent> _events;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _requestLock = new(1, 1);
    private readonly Dictionary<string, RoomState> _rooms = new(StringComparer.Ordinal);
    private Connection? _connection;
    private TaskCompletionSource _ready = NewReady();
    private PendingRequest? _pending;
    private Task _supervisor = Task.CompletedTask;
    private SwitchboardClientState _state;
    private string? _peerId;
    private string? _resumeToken;

    /// <summary>Creates a client; nothing is opened until <see cref="ConnectAsync"/>.</summary>
    /// <param name="serverUri">The server's WebSocket endpoint, such as <c>ws://localhost:8080/ws</c> or <c>wss://example.org/ws</c>.</param>
    /// <param name="options">How to connect and reconnect; <see cref="SwitchboardClientOptions.Default"/> when <see langword="null"/>.</param>
    public SwitchboardClient(Uri serverUri, SwitchboardClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(serverUri);
        if (serverUri.Scheme is not ("ws" or "wss"))
        {
            throw new ArgumentException($"The server's address must be ws:// or wss:// (was {serverUri}).", nameof(serverUri));
        }

        Options = options ?? SwitchboardClientOptions.Default;
        Options.Validate();
        ServerUri = serverUri;
        _events = Channel.CreateBounded<SwitchboardEvent>(new BoundedChannelOptions(Options.EventBufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>The server's WebSocket endpoint.</summary>
    public Uri ServerUri { get; }

    /// <summary>The options the client was created with.</summary>
    public SwitchboardClientOptions Options { get; }

    /// <summary>Where the client is in its life.</summary>
    public SwitchboardClientState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>This client's peer id, known from its first room on; the same after a resume, new after a re-join.</summary>
    public string? PeerId
    {
        get
        {
            lock (_gate)
            {
                return _peerId;
            }
        }
    }

    /// <summary>
    /// The token that resumes this client's seat, from the last <c>roomCreated</c>, <c>joined</c> or <c>resumed</c>;
    /// <see langword="null"/> before the first room or when the server has resume turned off. Whoever presents it
    /// takes the seat over, so keep it as private as a password.
    /// </summary>
    public string? ResumeToken
    {
        get
        {
            lock (_gate)
            {
                return _resumeToken;
            }
        }
    }

    /// <summary>The rooms the client is a member of, and their other members, as last told by the server.</summary>
    public IReadOnlyList<SwitchboardRoom> Rooms
    {
        get
        {
            lock (_gate)
            {
                return [.. _rooms.Select(r => r.Value.Snapshot(r.Key))];
            }
        }
    }

    /// <summary>
    /// Opens the connection (and, with <see cref="SwitchboardClientOptions.AccessTokenProvider"/>, authenticates). A
    /// failure here is thrown, not retried; reconnecting starts once a connection has been made.
    /// </summary>
    /// <param name="cancellationToken">Stops connecting.</param>
    /// <exception cref="InvalidOperationException">The client was already connected or closed.</exception>
    /// <exception cref="SwitchboardException">The server refused the token (<c>unauthorized</c>).</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_state != SwitchboardClientState.Disconnected)
            {
                throw new InvalidOperationException($"ConnectAsync is called once, on a new client (this one is {_state}).");
            }

            _state = SwitchboardClientState.Connecting;
        }

        Connection connection;
        try
        {
            connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                if (_state == SwitchboardClientState.Connecting)
                {
                    _state = SwitchboardClientState.Disconnected;
                }
            }

            throw;
        }

        lock (_gate)
        {
            if (_state != SwitchboardClientState.Connecting)
            {
                connection.Socket.Abort();
                throw new ObjectDisposedException(nameof(SwitchboardClient));
            }

            _state = SwitchboardClientState.Connected;
            _ready.TrySetResult();

            // Run apart, so a connection that has already ended is not handled inside this lock.
            _supervisor = Task.Run(() => SuperviseAsync(connection), CancellationToken.None);
        }
    }

    /// <summary>Creates a room; the client is its first member.</summary>
    /// <param name="capacity">How many members it takes (2 up to the server's maximum); the server's default when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The new room. Its id is what others pass to <see cref="JoinAsync"/>.</returns>
    /// <exception cref="SwitchboardException">The server refused (<c>too-many-rooms</c>, <c>bad-message</c> for a capacity out of range, …).</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="SwitchboardClientOptions.RequestTimeout"/>.</exception>
    public async Task<SwitchboardRoom> CreateRoomAsync(int? capacity = null, CancellationToken cancellationToken = default)
    {
        var connection = await ReadyConnectionAsync(cancellationToken).ConfigureAwait(false);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new CreateRoomRequest(capacity), ClientJsonContext.Default.CreateRoomRequest);
        var answer = await RequestAsync(connection, new PendingRequest(RequestKind.CreateRoom, null), bytes, cancellationToken).ConfigureAwait(false);
        return new SwitchboardRoom(answer.Fields.RoomId!, answer.Fields.Capacity ?? 0, []);
    }

    /// <summary>Joins a room; its other members are told with <c>peerJoined</c>.</summary>
    /// <param name="roomId">The room's id, as its creator got it.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The room, with the members already in it.</returns>
    /// <exception cref="SwitchboardException">The server refused (<c>room-not-found</c>, <c>room-full</c>, <c>too-many-rooms</c>, …).</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="SwitchboardClientOptions.RequestTimeout"/>.</exception>
    public async Task<SwitchboardRoom> JoinAsync(string roomId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        var connection = await ReadyConnectionAsync(cancellationToken).ConfigureAwait(false);
        var answer = await RequestAsync(connection, new PendingRequest(RequestKind.Join, roomId), RoomRequestBytes("join", roomId), cancellationToken).ConfigureAwait(false);
        return new SwitchboardRoom(roomId, answer.Fields.Capacity ?? 0, answer.Fields.Peers ?? []);
    }

    /// <summary>Leaves a room; its other members are told with <c>peerLeft</c>.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="SwitchboardException">The server refused (<c>not-in-room</c>, <c>room-not-found</c>).</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="SwitchboardClientOptions.RequestTimeout"/>.</exception>
    public async Task LeaveAsync(string roomId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        var connection = await ReadyConnectionAsync(cancellationToken).ConfigureAwait(false);
        await RequestAsync(connection, new PendingRequest(RequestKind.Leave, roomId), RoomRequestBytes("leave", roomId), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a message to every other member of a room, as <c>{"type":…,"roomId":…,"payload":…}</c>; they get it with
    /// <c>from</c> set to this client's peer id. The server answers only a refusal, as a <see cref="ServerError"/> event.
    /// </summary>
    /// <param name="roomId">A room the client is a member of.</param>
    /// <param name="type">The application's message type (<c>offer</c>, <c>answer</c>, <c>candidate</c>, <c>chat</c>, …); not one the server acts on.</param>
    /// <param name="payload">The message's <c>payload</c>; <c>default</c> for none.</param>
    /// <param name="cancellationToken">Stops waiting. Cancelling a send that is being written drops the connection, which then reconnects.</param>
    public Task SendToRoomAsync(string roomId, string type, JsonElement payload, CancellationToken cancellationToken = default) =>
        RelayAsync(roomId, to: null, type, payload, cancellationToken);

    /// <summary>Sends a message to one other member of a room, as <see cref="SendToRoomAsync"/> does with <c>"to"</c> added.</summary>
    /// <param name="roomId">A room the client is a member of.</param>
    /// <param name="peerId">Another member of that room.</param>
    /// <param name="type">The application's message type; not one the server acts on.</param>
    /// <param name="payload">The message's <c>payload</c>; <c>default</c> for none.</param>
    /// <param name="cancellationToken">Stops waiting. Cancelling a send that is being written drops the connection, which then reconnects.</param>
    public Task SendToPeerAsync(string roomId, string peerId, string type, JsonElement payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(peerId);
        return RelayAsync(roomId, peerId, type, payload, cancellationToken);
    }

    /// <summary>
    /// Everything that happens to the client, in order: every message from the server, and the connection's changes.
    /// It ends after <see cref="Closed"/>. One reader at a time; read it for as long as the client lives (see
    /// <see cref="SwitchboardClientOptions.EventBufferCapacity"/>).
    /// </summary>
    /// <param name="cancellationToken">Stops reading; the client goes on.</param>
    public async IAsyncEnumerable<SwitchboardEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_events.Reader.TryRead(out var item))
            {
                yield return item;
            }
        }
    }

    /// <summary>
    /// Closes the connection with a close frame: the server ends the seat at once and the other members get
    /// <c>peerLeft</c>. The client does not reconnect after it.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the server's answering close; the connection is then dropped.</param>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        Connection? connection;
        Task supervisor;
        bool closing;
        lock (_gate)
        {
            supervisor = _supervisor;
            closing = _state != SwitchboardClientState.Closed;
            _state = SwitchboardClientState.Closed;
            connection = closing ? _connection : null;
        }

        if (!closing)
        {
            // Closed already (another CloseAsync, a 4001, reconnect attempts used up): only wait until that is done.
            await supervisor.ConfigureAwait(false);
            return;
        }

        // Stops reconnect waits and a receive loop blocked on a full event buffer.
        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (connection is not null)
        {
            await SayGoodbyeAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        await supervisor.ConfigureAwait(false);
        Finish(connection?.CloseStatus, connection?.CloseDescription, null);
    }

    /// <summary>Closes the client as <see cref="CloseAsync"/> does, waiting at most <see cref="SwitchboardClientOptions.RequestTimeout"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(Options.RequestTimeout, Options.TimeProvider))
        {
            await CloseAsync(timeout.Token).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _connection?.Socket.Dispose();
        }

        // The semaphores are left to the collector: a call still unwinding may release one, and without a wait
        // handle they hold nothing of the OS's.
        _lifetime.Dispose();
    }

    private async Task SayGoodbyeAsync(Connection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (connection.Socket.State == WebSocketState.Open)
                {
                    await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                connection.SendLock.Release();
            }

            await connection.Receiving.WaitAsync(Options.RequestTimeout, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // The close is best effort: a connection that cannot say goodbye is dropped, which ends the seat later instead.
        }
        finally
        {
            connection.Socket.Abort();
        }
    }

    private static TaskCompletionSource NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static byte[] RoomRequestBytes(string type, string roomId) =>
        JsonSerializer.SerializeToUtf8Bytes(new RoomRequest(type, roomId), ClientJsonContext.Default.RoomRequest);

    private static string? Text(JsonElement? payload) =>
        payload is { ValueKind: JsonValueKind.String } text ? text.GetString() : null;

    private async Task RelayAsync(string roomId, string? to, string type, JsonElement payload, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentException.ThrowIfNullOrEmpty(type);
        if (_notRelayable.Contains(type))
        {
            throw new ArgumentException($"'{type}' is a type the server acts on or sends itself; use the client's methods for it, or another type.", nameof(type));
        }

        var message = new RelayRequest(type, roomId, to, payload.ValueKind == JsonValueKind.Undefined ? null : payload);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, ClientJsonContext.Default.RelayRequest);
        var connection = await ReadyConnectionAsync(cancellationToken).ConfigureAwait(false);
        await SendAsync(connection, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The connection to send on; while reconnecting, waits (up to the request timeout) for it to come back.</summary>
    private async Task<Connection> ReadyConnectionAsync(CancellationToken cancellationToken)
    {
        Task ready;
        lock (_gate)
        {
            switch (_state)
            {
                case SwitchboardClientState.Disconnected:
                case SwitchboardClientState.Connecting:
                    throw new InvalidOperationException("Call ConnectAsync first, and wait for it.");
                case SwitchboardClientState.Closed:
                    throw new ObjectDisposedException(nameof(SwitchboardClient), "The client is closed.");
            }

            ready = _ready.Task;
        }

        try
        {
            await ready.WaitAsync(Options.RequestTimeout, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The client did not get its connection back within {Options.RequestTimeout}.");
        }

        lock (_gate)
        {
            return _connection ?? throw new ObjectDisposedException(nameof(SwitchboardClient), "The client is closed.");
        }
    }

    private async Task<Answer> RequestAsync(Connection connection, PendingRequest request, byte[] bytes, CancellationToken cancellationToken)
    {
        await _requestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (connection.Ended)
                {
                    throw new SwitchboardException("The connection to the server was lost before the call was sent.", connection.Error);
                }

                _pending = request;
            }

            await SendAsync(connection, bytes, cancellationToken).ConfigureAwait(false);
            Answer answer;
            try
            {
                answer = await request.Task.WaitAsync(Options.RequestTimeout, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"The server did not answer {request.Kind} within {Options.RequestTimeout}.");
            }

            if (answer.Type == "error")
            {
                var retryAfter = answer.Fields.RetryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
                throw new SwitchboardException(answer.Fields.Code!, Text(answer.Fields.Payload) ?? answer.Fields.Code!, answer.Fields.RoomId, retryAfter);
            }

            return answer;
        }
        finally
        {
            lock (_gate)
            {
                if (_pending == request)
                {
                    _pending = null;
                }
            }

            _requestLock.Release();
        }
    }

    private static async Task SendAsync(Connection connection, byte[] bytes, CancellationToken cancellationToken)
    {
        await connection.SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The receive loop sees the same end and reconnects; the caller learns that this message may not have gone.
            connection.Socket.Abort();
            throw new SwitchboardException("The connection to the server was lost while sending.", ex);
        }
        finally
        {
            connection.SendLock.Release();
        }
    }

    private async Task<Connection> OpenAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            socket.Options.KeepAliveInterval = Options.KeepAliveInterval;
            if (Options.KeepAliveInterval > TimeSpan.Zero)
            {
                socket.Options.KeepAliveTimeout = Options.KeepAliveTimeout;
            }

            Options.ConfigureWebSocket?.Invoke(socket.Options);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(ServerUri, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Could not connect to {ServerUri} within {Options.ConnectTimeout}.");
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new Connection(socket);
        lock (_gate)
        {
            _connection = connection;
        }

        connection.Receiving = ReceiveAsync(connection);
        if (Options.AccessTokenProvider is { } provider)
        {
            try
            {
                var token = await provider(cancellationToken).ConfigureAwait(false);
                var bytes = JsonSerializer.SerializeToUtf8Bytes(new TokenRequest("auth", token), ClientJsonContext.Default.TokenRequest);
                await RequestAsync(connection, new PendingRequest(RequestKind.Auth, null), bytes, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Abort();
                throw;
            }
        }

        return connection;
    }

    private async Task ReceiveAsync(Connection connection)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        if (buffer.Length >= Options.MaxMessageSize)
                        {
                            await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message too big", CancellationToken.None).ConfigureAwait(false);
                            connection.Error = new InvalidDataException($"The server sent a message larger than {Options.MaxMessageSize} bytes.");
                            return;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, Options.MaxMessageSize));
                        buffer.AsSpan(0, count).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    result = await connection.Socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    connection.CloseStatus = connection.Socket.CloseStatus;
                    connection.CloseDescription = connection.Socket.CloseStatusDescription;
                    if (connection.Socket.State == WebSocketState.CloseReceived)
                    {
                        using var timeout = new CancellationTokenSource(Options.RequestTimeout, Options.TimeProvider);
                        await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
                    }

                    return;
                }

                if (result.MessageType == WebSocketMessageType.Text && Dispatch(buffer.AsSpan(0, count), out var followUps) is { } item)
                {
                    await _events.Writer.WriteAsync(item, _lifetime.Token).ConfigureAwait(false);
                    foreach (var followUp in followUps ?? [])
                    {
                        await _events.Writer.WriteAsync(followUp, _lifetime.Token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or ChannelClosedException)
        {
            connection.Error = ex;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            PendingRequest? orphan;
            lock (_gate)
            {
                connection.Ended = true;
                orphan = _pending;
                _pending = null;
            }

            orphan?.Fail(new SwitchboardException("The connection to the server was lost before it answered.", connection.Error));
        }
    }

    /// <summary>Runs for as long as the client lives once connected: each time a connection ends, decides whether to get another.</summary>
    private async Task SuperviseAsync(Connection connection)
    {
        var current = connection;
        while (true)
        {
            await current.Receiving.ConfigureAwait(false);
            lock (_gate)
            {
                if (_state == SwitchboardClientState.Closed)
                {
                    return;
                }
            }

            var status = current.CloseStatus;
            var description = current.CloseDescription;
            if (status == (WebSocketCloseStatus)4001)
            {
                await EmitAsync(new Replaced()).ConfigureAwait(false);
                Finish(status, description, null);
                return;
            }

            if (!Options.AutoReconnect || (status == WebSocketCloseStatus.PolicyViolation && description == "unauthorized"))
            {
                Finish(status, description, current.Error);
                return;
            }

            lock (_gate)
            {
                if (_state == SwitchboardClientState.Closed)
                {
                    return;
                }

                _state = SwitchboardClientState.Reconnecting;
                if (_ready.Task.IsCompleted)
                {
                    _ready = NewReady();
                }
            }

            var next = await ReconnectAsync(status, description, current.Error).ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            current = next;
        }
    }

    /// <summary>Tries until a connection is back and restored; null when the client closed or gave up meanwhile.</summary>
    private async Task<Connection?> ReconnectAsync(WebSocketCloseStatus? status, string? description, Exception? error)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (Options.MaxReconnectAttempts is { } max && attempt > max)
            {
                Finish(status, description, error ?? new SwitchboardException($"Gave up after {max} reconnect attempts."));
                return null;
            }

            var delay = attempt == 1 && status == (WebSocketCloseStatus)1012
                ? Backoff.ServiceRestart(Options, Random.Shared.NextDouble())
                : Backoff.Delay(Options, attempt, Random.Shared.NextDouble());
            Connection? connection = null;
            try
            {
                await EmitAsync(new Reconnecting(attempt, delay, status, description, error)).ConfigureAwait(false);
                await Task.Delay(delay, Options.TimeProvider, _lifetime.Token).ConfigureAwait(false);
                connection = await OpenAsync(_lifetime.Token).ConfigureAwait(false);
                var resumed = await RestoreAsync(connection, _lifetime.Token).ConfigureAwait(false);
                string? peerId;
                lock (_gate)
                {
                    if (_state == SwitchboardClientState.Closed)
                    {
                        connection.Socket.Abort();
                        return null;
                    }

                    if (connection.Ended)
                    {
                        throw new SwitchboardException("The connection dropped again while the seat was being restored.", connection.Error);
                    }

                    _state = SwitchboardClientState.Connected;
                    _ready.TrySetResult();
                    peerId = _peerId;
                }

                await EmitAsync(new Reconnected(peerId, resumed)).ConfigureAwait(false);
                return connection;
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                // Closed while reconnecting: a connection opened meanwhile must not outlive the client.
                connection?.Socket.Abort();
                return null;
            }
            catch (Exception ex) when (ex is WebSocketException or SwitchboardException or TimeoutException or IOException or HttpRequestException or OperationCanceledException)
            {
                connection?.Socket.Abort();
                status = connection?.CloseStatus;
                description = connection?.CloseDescription;
                error = ex;
            }
        }
    }

    /// <summary>Takes the seat back with its resume token; when the server no longer has it, re-joins each room. True when resumed.</summary>
    private async Task<bool> RestoreAsync(Connection connection, CancellationToken cancellationToken)
    {
        string? token;
        List<string> roomIds;
        lock (_gate)
        {
            token = _resumeToken;
            roomIds = [.. _rooms.Keys];
        }

        if (token is not null)
        {
            try
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(new TokenRequest("resume", token), ClientJsonContext.Default.TokenRequest);
                await RequestAsync(connection, new PendingRequest(RequestKind.Resume, null), bytes, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (SwitchboardException ex) when (ex.Code != SwitchboardException.ConnectionLostCode)
            {
                // resume-failed: the grace period is over or the server restarted.
            }
        }

        // Without the seat this connection is a new peer, whose id the first re-join tells.
        lock (_gate)
        {
            _resumeToken = null;
            _peerId = null;
        }

        foreach (var roomId in roomIds)
        {
            try
            {
                await RequestAsync(connection, new PendingRequest(RequestKind.Join, roomId), RoomRequestBytes("join", roomId), cancellationToken).ConfigureAwait(false);
            }
            catch (SwitchboardException ex) when (ex.Code != SwitchboardException.ConnectionLostCode)
            {
                lock (_gate)
                {
                    _rooms.Remove(roomId);
                }

                await EmitAsync(new RoomLost(roomId, ex.Code, ex.Message)).ConfigureAwait(false);
            }
        }

        return false;
    }

    private async Task EmitAsync(SwitchboardEvent item)
    {
        try
        {
            await _events.Writer.WriteAsync(item, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ChannelClosedException || (ex is OperationCanceledException && _lifetime.IsCancellationRequested))
        {
            // Closed already, or closing: nothing is waiting for this event any more.
        }
    }

    /// <summary>Ends the client: the last event, and calls waiting for a connection fail.</summary>
    private void Finish(WebSocketCloseStatus? status, string? description, Exception? error)
    {
        lock (_gate)
        {
            _state = SwitchboardClientState.Closed;
            if (!_ready.Task.IsCompleted)
            {
                _ready.TrySetException(new ObjectDisposedException(nameof(SwitchboardClient), "The client is closed."));
                _ = _ready.Task.Exception;
            }
        }

        // Not waited for: an application that stopped reading must not keep the client from closing.
        _events.Writer.TryWrite(new Closed(status, description, error));
        _events.Writer.TryComplete();
    }
}
