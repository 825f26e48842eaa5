namespace Switchboard.IntegrationTests.Robustness;

/// <summary>What one step of a random session does (<see cref="SessionStep"/>).</summary>
public enum SessionStepKind
{
    /// <summary><c>createRoom</c> with a capacity from 1 to 5 (1 and 5 are out of range: <c>MaxRoomCapacity</c> is 4).</summary>
    CreateRoom,

    /// <summary><c>join</c> a known room, or an unknown one.</summary>
    Join,

    /// <summary><c>leave</c> a known room, or an unknown one.</summary>
    Leave,

    /// <summary>An <c>offer</c> to a room: a relay from a member, the tutorial's join from anyone else.</summary>
    Offer,

    /// <summary>An <c>answer</c>, <c>candidate</c> or application type to every other member of a room.</summary>
    RelayToRoom,

    /// <summary>A <c>candidate</c> with <c>to</c>: a known peer (maybe gone, maybe elsewhere) or an unknown one.</summary>
    RelayToPeer,

    /// <summary><c>ping</c>.</summary>
    Ping,

    /// <summary>A text frame that is not a valid message: bad JSON, wrong types, reserved types, duplicated keys.</summary>
    Garbage,

    /// <summary>A binary frame (<c>bad-message</c>).</summary>
    Binary,

    /// <summary>A text frame that is not UTF-8: the server closes with 1007; the client is replaced.</summary>
    InvalidUtf8,

    /// <summary>The TCP connection dropped without a close frame; the client is replaced.</summary>
    Vanish,

    /// <summary>A clean close handshake; the client is replaced.</summary>
    Close,
}
