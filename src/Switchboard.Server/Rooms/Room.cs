using System.Text;
using Switchboard.Server.Protocol;
using Switchboard.Server.Seats;

namespace Switchboard.Server.Rooms;

/// <summary>
/// A room and its members' seats. Membership changes take the room's lock; routing reads an immutable
/// snapshot of the members without locking, so relays never wait on joins.
/// </summary>
/// <remarks>
/// Membership notices (<c>peerJoined</c>, <c>peerLeft</c>, <c>peerDisconnected</c>, <c>peerReconnected</c>)
/// are queued under the lock, to the members of the same snapshot the change was made against: whoever is
/// listed in a <c>joined</c> is never announced to that joiner again, and nobody hears of a peer leaving
/// that it was never told had joined.
/// </remarks>
internal sealed class Room
{
    private readonly Lock _lock = new();
    private Seat[] _members = [];
    private bool _deleted;

    public Room(string id, int capacity)
    {
        Id = id;
        IdUtf8 = Encoding.UTF8.GetBytes(id);
        Capacity = capacity;
    }

    public string Id { get; }

    public byte[] IdUtf8 { get; }

    public int Capacity { get; }

    /// <summary>The members at this moment, oldest first.</summary>
    public Seat[] Members => Volatile.Read(ref _members);

    /// <summary>
    /// Adds <paramref name="seat"/>. Under the lock, with the members before the change and before anyone
    /// routing into the room can see the new member: <paramref name="answer"/> formats what the joiner gets
    /// from <paramref name="state"/> and the members (null: nothing), then every member gets
    /// <paramref name="announce"/> (the caller keeps its reference). The state is passed, not captured, so a
    /// join allocates no closure.
    /// </summary>
    public JoinStatus TryAdd<TState>(Seat seat, Func<TState, Seat[], OutboundMessage>? answer, TState state, OutboundMessage? announce)
    {
        lock (_lock)
        {
            if (_deleted)
            {
                return JoinStatus.NotFound;
            }

            var members = _members;
            if (Array.IndexOf(members, seat) >= 0)
            {
                return JoinStatus.AlreadyMember;
            }

            if (members.Length >= Capacity)
            {
                return JoinStatus.Full;
            }

            if (answer is not null)
            {
                seat.Connection?.SendOwned(answer(state, members));
            }

            if (announce is not null)
            {
                foreach (var member in members)
                {
                    member.Notify(announce, this);
                }
            }

            Volatile.Write(ref _members, [.. members, seat]);
            return JoinStatus.Joined;
        }
    }

    /// <summary>
    /// Removes <paramref name="seat"/> and tells the members left <paramref name="announce"/> (the caller keeps
    /// its reference); the last one out marks the room deleted so no join can revive it.
    /// </summary>
    public bool TryRemove(Seat seat, OutboundMessage announce, out bool deleted)
    {
        lock (_lock)
        {
            deleted = false;
            var members = _members;
            var index = Array.IndexOf(members, seat);
            if (index < 0)
            {
                return false;
            }

            Seat[] updated = [.. members.AsSpan(0, index), .. members.AsSpan(index + 1)];
            Volatile.Write(ref _members, updated);
            if (updated.Length == 0)
            {
                _deleted = true;
                deleted = true;
            }

            foreach (var member in updated)
            {
                member.Notify(announce, this);
            }

            return true;
        }
    }

    /// <summary>
    /// Tells the other members <paramref name="announce"/> (<c>peerDisconnected</c>; the caller keeps its
    /// reference) if <paramref name="seat"/> is still a member and still away when the lock is taken: a resume
    /// that got in first has already announced <c>peerReconnected</c>, and the notices must not cross.
    /// </summary>
    public void AnnounceAway(Seat seat, OutboundMessage announce)
    {
        lock (_lock)
        {
            if (seat.State == SeatState.Away && Array.IndexOf(_members, seat) >= 0)
            {
                NotifyOthers(seat, announce);
            }
        }
    }

    /// <summary>
    /// <paramref name="seat"/> is being resumed: the others get <paramref name="announce"/>
    /// (<c>peerReconnected</c>; the caller keeps its reference), and the seat's new connection is given the
    /// members as they are now, under the same lock, so notices after this one wait for it. Null if the seat
    /// is no longer a member.
    /// </summary>
    public Seat[]? Resume(Seat seat, OutboundMessage announce)
    {
        lock (_lock)
        {
            var members = _members;
            if (Array.IndexOf(members, seat) < 0)
            {
                return null;
            }

            NotifyOthers(seat, announce);
            seat.MarkSynced(this);
            return members;
        }
    }

    private void NotifyOthers(Seat seat, OutboundMessage announce)
    {
        foreach (var member in _members)
        {
            if (!ReferenceEquals(member, seat))
            {
                member.Notify(announce, this);
            }
        }
    }

    /// <summary>The member whose id is <paramref name="peerId"/>, or null.</summary>
    public Seat? FindMember(ReadOnlySpan<byte> peerId)
    {
        foreach (var member in Members)
        {
            if (member.IdUtf8.AsSpan().SequenceEqual(peerId))
            {
                return member;
            }
        }

        return null;
    }
}
