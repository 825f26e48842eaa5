using Switchboard.Server.Connections;
using Switchboard.Server.Rooms;

namespace Switchboard.Server;

/// <summary>Live counts of the server's state: what an operator (and a leak test) looks at first.</summary>
public sealed class SwitchboardStats
{
    private readonly ConnectionStore _connections;
    private readonly SignalingCore _core;

    internal SwitchboardStats(ConnectionStore connections, SignalingCore core)
    {
        _connections = connections;
        _core = core;
    }

    /// <summary>Open WebSocket connections.</summary>
    public int Connections => _connections.Count;

    /// <summary>Rooms that exist (a room exists while it has at least one member).</summary>
    public int Rooms => _core.RoomCount;

    /// <summary>Room memberships: a peer in two rooms counts twice.</summary>
    public int Peers => _core.MembershipCount;
}
