namespace Switchboard.LoadTest.Measurement;

/// <summary>Counts shared by every client of a process; incremented from receive loops, read by the display.</summary>
internal sealed class TrafficCounters
{
    private long _sent;
    private long _received;
    private long _completed;

    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Measured messages received: each is one message the server relayed (or delivered, in fan-out).</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Whole operations done: round trips, setups, fan-out rounds.</summary>
    public long Completed => Volatile.Read(ref _completed);

    public void CountSent() => Interlocked.Increment(ref _sent);

    public void CountReceived() => Interlocked.Increment(ref _received);

    public void CountCompleted() => Interlocked.Increment(ref _completed);
}
