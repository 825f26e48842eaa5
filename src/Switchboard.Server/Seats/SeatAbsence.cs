using Switchboard.Server.Connections;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;

namespace Switchboard.Server.Seats;

/// <summary>
/// What a seat holds only while it has no connection: the messages waiting for it, and the grace timer.
/// A seat that is present has none, so presence costs one null field.
/// </summary>
internal sealed class SeatAbsence
{
    private readonly Queue<OutboundMessage> _waiting = new(4);
    private int _bytes;

    /// <summary>Ends the seat when the grace period is over; null until the connection has been found gone.</summary>
    public ITimer? GraceTimer { get; set; }

    /// <summary>While resuming: the rooms whose members the new connection has been given; their notices wait too, the others' are superseded.</summary>
    public List<Room>? Synced { get; set; }

    /// <summary>Keeps a relayed message if it fits the seat's and the server's limits; false: refused, the sender is told.</summary>
    public bool TryKeep(OutboundMessage message, SeatLimits limits)
    {
        if (_waiting.Count >= limits.MessageLimit || _bytes + message.Length > limits.ByteLimit || !limits.Total.TryAdd(message.Length))
        {
            return false;
        }

        Keep(message);
        return true;
    }

    /// <summary>Keeps a membership notice for a room already synced: it must follow <c>resumed</c>, so it is counted but never refused.</summary>
    public void KeepNotice(OutboundMessage message, SeatLimits limits)
    {
        limits.Total.Add(message.Length);
        Keep(message);
    }

    /// <summary>Sends what waits to <paramref name="connection"/>, oldest first, and gives its bytes back.</summary>
    public void DrainTo(PeerConnection connection, SeatLimits limits)
    {
        while (_waiting.TryDequeue(out var message))
        {
            connection.Send(message);
            message.Release();
        }

        limits.Total.Release(_bytes);
        _bytes = 0;
    }

    /// <summary>Drops what waits (the seat has ended, or what waited has been sent) and stops the timer.</summary>
    public void Release(SeatLimits limits)
    {
        GraceTimer?.Dispose();
        GraceTimer = null;
        while (_waiting.TryDequeue(out var message))
        {
            message.Release();
        }

        limits.Total.Release(_bytes);
        _bytes = 0;
    }

    private void Keep(OutboundMessage message)
    {
        _waiting.Enqueue(message.AddReference());
        _bytes += message.Length;
    }
}
