namespace Switchboard.Server.Connections;

/// <summary>
/// <see cref="MessageLimitOptions"/> turned once into the units a connection's <see cref="MessageBudget"/>
/// counts in, so that checking a message is a compare and an add: what one message costs and how far ahead
/// of the clock its bucket may run, in the server's timestamp ticks; the same for failed room look-ups in
/// milliseconds; and how many refusals in one second make a second of flood.
/// </summary>
internal sealed class MessageRates
{
    /// <summary>Most refusals one second's count can record (20 bits of <see cref="MessageBudget"/>'s flood field).</summary>
    public const int MaxFloodThreshold = (1 << 20) - 1;

    public MessageRates(MessageLimitOptions options, long timestampFrequency)
    {
        TicksPerMillisecond = Math.Max(1, timestampFrequency / 1000);
        MessagesPerSecond = options.MessagesPerSecond;
        if (options.MessagesPerSecond > 0)
        {
            MessageCost = Math.Max(1, timestampFrequency / options.MessagesPerSecond);
            MessageTolerance = MessageCost * options.MessageBurst;
            FloodThreshold = (int)Math.Min(MaxFloodThreshold, ((long)options.FloodFactor - 1) * options.MessagesPerSecond + 1);
        }

        if (options.FailedRoomLookupsPerMinute > 0)
        {
            LookupCost = Math.Max(1, 6_000 / options.FailedRoomLookupsPerMinute);
            LookupTolerance = LookupCost * options.FailedRoomLookupBurst;
        }

        FloodSeconds = Math.Max(1, (int)Math.Ceiling(options.FloodDuration.TotalSeconds));
    }

    /// <summary>The limits of <paramref name="options"/> for timestamps of <paramref name="timeProvider"/>.</summary>
    public MessageRates(MessageLimitOptions options, TimeProvider timeProvider)
        : this(options, timeProvider.TimestampFrequency)
    {
    }

    public int MessagesPerSecond { get; }

    /// <summary>Ticks one message moves its bucket ahead; 0 when messages are not limited.</summary>
    public long MessageCost { get; }

    /// <summary>How far ahead of the clock the bucket may run: the burst, in ticks.</summary>
    public long MessageTolerance { get; }

    /// <summary>Hundredths of a second one failed look-up moves its bucket ahead; 0 when look-ups are not limited.</summary>
    public int LookupCost { get; }

    /// <summary>How far ahead the look-up bucket may run: its burst, in hundredths of a second.</summary>
    public int LookupTolerance { get; }

    /// <summary>Refusals within one second that make it a second of flood: more than (factor − 1) × the rate.</summary>
    public int FloodThreshold { get; }

    /// <summary>Seconds of flood in a row after which the sender is closed.</summary>
    public int FloodSeconds { get; }

    public long TicksPerMillisecond { get; }
}
