using System.Text;
using Switchboard.Server.Connections;

namespace Switchboard.Server.Rooms;

/// <summary>
/// A room and its members. Membership changes take the room's lock; routing reads an immutable snapshot
/// of the members without locking, so relays never wait on joins.
/// </summary>
internal sealed class Room
{
    private readonly Lock _lock = new();
    private PeerConnection[] _members = [];
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
    public PeerConnection[] Members => Volatile.Read(ref _members);

    /// <summary>
    /// Adds <paramref name="peer"/>. <paramref name="beforeVisible"/> runs under the lock with the members
    /// before the change, before anyone routing into the room can see the new member: answers the joiner
    /// must get before any relayed message are sent there.
    /// </summary>
    public JoinStatus TryAdd(PeerConnection peer, Action<PeerConnection[]>? beforeVisible = null)
    {
        lock (_lock)
        {
            if (_deleted)
            {
                return JoinStatus.NotFound;
            }

            var members = _members;
            if (Array.IndexOf(members, peer) >= 0)
            {
                return JoinStatus.AlreadyMember;
            }

            if (members.Length >= Capacity)
            {
                return JoinStatus.Full;
            }

            beforeVisible?.Invoke(members);
            var updated = new PeerConnection[members.Length + 1];
            members.CopyTo(updated, 0);
            updated[^1] = peer;
            Volatile.Write(ref _members, updated);
            return JoinStatus.Joined;
        }
    }

    /// <summary>Removes <paramref name="peer"/>; the last one out marks the room deleted so no join can revive it.</summary>
    public bool TryRemove(PeerConnection peer, out bool deleted)
    {
        lock (_lock)
        {
            deleted = false;
            var members = _members;
            var index = Array.IndexOf(members, peer);
            if (index < 0)
            {
                return false;
            }

            var updated = new PeerConnection[members.Length - 1];
            Array.Copy(members, 0, updated, 0, index);
            Array.Copy(members, index + 1, updated, index, members.Length - index - 1);
            Volatile.Write(ref _members, updated);
            if (updated.Length == 0)
            {
                _deleted = true;
                deleted = true;
            }

            return true;
        }
    }

    /// <summary>The member whose id is <paramref name="peerId"/>, or null.</summary>
    public PeerConnection? FindMember(ReadOnlySpan<byte> peerId)
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
