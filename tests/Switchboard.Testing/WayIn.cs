namespace Switchboard.Testing;

/// <summary>How a WebSocket reaches Switchboard: every integration test runs over both.</summary>
public enum WayIn
{
    /// <summary>Upgrades taken straight from the socket by the epoll transport (<c>DirectWebSockets</c> on, as shipped).</summary>
    Direct,

    /// <summary>Every upgrade goes through Kestrel's HTTP pipeline (<c>DirectWebSockets</c> off, as for HTTPS endpoints).</summary>
    Pipeline,
}
