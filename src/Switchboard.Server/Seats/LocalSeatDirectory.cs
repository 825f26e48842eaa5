using System.Collections.Concurrent;

namespace Switchboard.Server.Seats;

/// <summary>The seats of this process by resume token. Only seats in a room have a token, so idle connections cost it nothing.</summary>
internal sealed class LocalSeatDirectory : ISeatDirectory
{
    private readonly ConcurrentDictionary<UInt128, Seat> _seats = new();

    /// <summary>Seats that hold a token (in rooms, present or away).</summary>
    public int Count => _seats.Count;

    public void Issue(Seat seat)
    {
        var old = seat.Token;
        UInt128 token;
        do
        {
            token = ResumeToken.New();
        }
        while (!_seats.TryAdd(token, seat));

        seat.Token = token;
        if (old != UInt128.Zero)
        {
            _seats.TryRemove(new KeyValuePair<UInt128, Seat>(old, seat));
        }
    }

    public Seat? Find(UInt128 token) => _seats.TryGetValue(token, out var seat) ? seat : null;

    public bool Claim(UInt128 token, Seat seat) => _seats.TryRemove(new KeyValuePair<UInt128, Seat>(token, seat));

    public void Forget(Seat seat)
    {
        var token = seat.Token;
        if (token != UInt128.Zero)
        {
            _seats.TryRemove(new KeyValuePair<UInt128, Seat>(token, seat));
        }
    }
}
