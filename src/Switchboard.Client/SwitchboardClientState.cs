namespace Switchboard.Client;

/// <summary>Where a <see cref="SwitchboardClient"/> is in its life.</summary>
public enum SwitchboardClientState
{
    /// <summary>Created; <see cref="SwitchboardClient.ConnectAsync"/> has not been called, or it failed.</summary>
    Disconnected,

    /// <summary><see cref="SwitchboardClient.ConnectAsync"/> is opening the first connection.</summary>
    Connecting,

    /// <summary>Connected: calls go straight to the server.</summary>
    Connected,

    /// <summary>The connection dropped and the client is getting it back; calls wait for it.</summary>
    Reconnecting,

    /// <summary>Closed for good (by the application, a 4001, or reconnect attempts used up).</summary>
    Closed,
}
