namespace Switchboard.LoadTest.Net;

/// <summary>How the load generator opens its connections.</summary>
internal sealed class ConnectorOptions
{
    /// <summary>
    /// Client sockets are bound round-robin to 127.0.0.1 … 127.0.0.N, so the ~28 000 ephemeral ports of one
    /// (source, destination) pair are never the limit. Default 8.
    /// </summary>
    public int SourceAddresses { get; set; } = 8;

    /// <summary>Connection attempts in flight at once: more only overflows the server's accept backlog. Default 64.</summary>
    public int ConnectConcurrency { get; set; } = 64;

    /// <summary>Longest wait for one TCP connect plus WebSocket handshake. Default 15 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Attempts per connection before it counts as failed (a refused connect under load is retried). Default 3.</summary>
    public int ConnectAttempts { get; set; } = 3;
}
