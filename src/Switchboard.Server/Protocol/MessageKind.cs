namespace Switchboard.Server.Protocol;

/// <summary>What the server does with a message, decided by its <c>type</c>.</summary>
internal enum MessageKind
{
    /// <summary>Any application type: relayed to the room.</summary>
    Relay,

    /// <summary><c>offer</c>: relayed, or the tutorial's join when the sender is not yet a member.</summary>
    Offer,
    CreateRoom,
    Join,
    Leave,
    Ping,

    /// <summary><c>auth</c>: a token, the first or a refresh (docs/auth.md).</summary>
    Auth,

    /// <summary><c>iceServers</c>: a request for the ICE server list with fresh TURN credentials.</summary>
    IceServers,

    /// <summary><c>resume</c>: take back a seat whose connection was lost, by its token.</summary>
    Resume,

    /// <summary>A type only the server may send.</summary>
    Reserved,
}
