namespace Switchboard.Server.Seats;

/// <summary>Where a <see cref="Seat"/> is in its life (docs/protocol.md, "Resuming a seat").</summary>
internal enum SeatState : byte
{
    /// <summary>A connection holds the seat: what is sent to it goes straight to that connection.</summary>
    Attached,

    /// <summary>Its connection vanished without a close frame; the seat waits for a resume until the grace period ends.</summary>
    Away,

    /// <summary>A new connection is taking the seat over; what arrives meanwhile waits and follows <c>resumed</c>.</summary>
    Resuming,

    /// <summary>Given up: its rooms are told <c>peerLeft</c> and its token no longer works.</summary>
    Ended,
}
