using System.Net.WebSockets;

namespace Switchboard.Client.Internal;

/// <summary>One WebSocket of a client's life; a reconnect makes a new one. Its fields are guarded by the client's lock.</summary>
internal sealed class Connection(ClientWebSocket socket)
{
    public ClientWebSocket Socket { get; } = socket;

    /// <summary><see cref="ClientWebSocket"/> takes one send at a time.</summary>
    public SemaphoreSlim SendLock { get; } = new(1, 1);

    /// <summary>The receive loop; it ends, without throwing, when the connection does.</summary>
    public Task Receiving { get; set; } = Task.CompletedTask;

    /// <summary>Set once the receive loop has ended: a call registered after that would wait for an answer that cannot come.</summary>
    public bool Ended { get; set; }

    /// <summary>Why the connection ended, when it was not a close handshake.</summary>
    public Exception? Error { get; set; }

    /// <summary>The close code the server sent, or <see langword="null"/> when the connection was cut without one.</summary>
    public WebSocketCloseStatus? CloseStatus { get; set; }

    /// <summary>The close reason the server sent.</summary>
    public string? CloseDescription { get; set; }
}
