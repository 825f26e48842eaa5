namespace Switchboard.Server.Seats;

/// <summary>
/// Finds seats by resume token. The one place a token is bound to a seat: in one process a dictionary
/// (<see cref="LocalSeatDirectory"/>); behind a backplane, a directory every node can ask, so a client
/// that reconnects to another node can still be told where its seat is.
/// </summary>
internal interface ISeatDirectory
{
    /// <summary>Gives <paramref name="seat"/> a new token, findable from now on; an earlier one stops working.</summary>
    void Issue(Seat seat);

    /// <summary>The seat that holds <paramref name="token"/> now, or null; it stays findable.</summary>
    Seat? Find(UInt128 token);

    /// <summary>Takes <paramref name="token"/> from <paramref name="seat"/> if it still holds it: true once per token.</summary>
    bool Claim(UInt128 token, Seat seat);

    /// <summary>The seat has ended: its token stops working.</summary>
    void Forget(Seat seat);
}
