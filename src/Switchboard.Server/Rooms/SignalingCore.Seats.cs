using Switchboard.Server.Connections;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Protocol;
using Switchboard.Server.Seats;

namespace Switchboard.Server.Rooms;

internal sealed partial class SignalingCore
{
    private int _away;
    private long _resumed;
    private long _replaced;
    private long _resumeFailures;

    /// <summary>Seats waiting for a resume right now.</summary>
    public int AwayCount => Volatile.Read(ref _away);

    /// <summary>Resumes of seats that were away, of seats whose old connection still looked open (4001), and failed ones.</summary>
    public (long Resumed, long Replaced, long Failed) ResumeCounts =>
        (Interlocked.Read(ref _resumed), Interlocked.Read(ref _replaced), Interlocked.Read(ref _resumeFailures));

    /// <summary>
    /// Hands the seat holding <paramref name="token"/> to <paramref name="connection"/>, which is in no room:
    /// <c>resumed</c> with the rooms as they are now, then what waited for the seat, then live traffic; the
    /// others hear <c>peerReconnected</c>, and a connection that still held the seat is closed with 4001.
    /// False, with nothing changed, when the token is unknown, used, expired, or names another identity.
    /// </summary>
    public bool Resume(PeerConnection connection, UInt128 token)
    {
        var fresh = connection.Seat;
        var seat = ResumeEnabled ? _seats.Find(token) : null;
        if (seat is null
            || ReferenceEquals(seat, fresh)
            || !IdentityEquals(seat.Identity, connection.Auth?.Identity)
            || !_seats.Claim(token, seat)
            || !seat.TryBeginResume(out var replaced))
        {
            Interlocked.Increment(ref _resumeFailures);
            return false;
        }

        if (replaced is null)
        {
            Interlocked.Decrement(ref _away);
            Interlocked.Increment(ref _resumed);
        }
        else
        {
            Interlocked.Increment(ref _replaced);
        }

        // The connection's own seat was never in a room: nothing refers to it once the connection moves on.
        if (fresh.TryEnd(connection))
        {
            _seats.Forget(fresh);
        }

        connection.Seat = seat;
        _seats.Issue(seat);

        var rooms = seat.Rooms;
        var members = new Seat[]?[rooms.Length];
        for (var i = 0; i < rooms.Length; i++)
        {
            var announce = _messages.PeerReconnected(rooms[i], seat.IdUtf8);
            members[i] = rooms[i].Resume(seat, announce);
            announce.Release();
        }

        var resumed = _messages.Resumed(seat, rooms, members);
        seat.CompleteResume(connection, resumed);
        resumed.Release();
        Log.SeatResumed(_logger, seat.Id, replaced is not null);

        if (replaced is not null)
        {
            replaced.NoteCloseReason(CloseReason.Replaced);
            replaced.RequestClose(CloseCodes.Replaced, "replaced");
        }

        return true;
    }

    /// <summary>
    /// Ends that keep the seat: the client vanished without a close frame. A client that closed, broke the
    /// protocol or a policy, or could not keep up gives its seat up at once.
    /// </summary>
    private static bool KeepsSeat(CloseReason reason) => reason is CloseReason.None or CloseReason.ClientGone or CloseReason.KeepAlive;

    /// <summary>With authentication on, only the identity that held a seat can take it back.</summary>
    private static bool IdentityEquals(byte[]? seat, byte[]? connection) =>
        seat is null ? connection is null : connection is not null && seat.AsSpan().SequenceEqual(connection);

    private void OnGracePeriodOver(object? state)
    {
        var (seat, absence) = ((Seat, SeatAbsence))state!;
        try
        {
            if (seat.TryEnd(connection: null, absence))
            {
                Interlocked.Decrement(ref _away);
                Log.SeatExpired(_logger, seat.Id);
                EndSeat(seat);
            }
        }
        catch (Exception ex)
        {
            // On a timer thread: a fault here must cost this seat only, never the process.
            Log.SeatExpiryFailed(_logger, seat.Id, ex);
        }
    }
}
