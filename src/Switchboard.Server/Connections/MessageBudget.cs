using System.Runtime.InteropServices;

namespace Switchboard.Server.Connections;

/// <summary>
/// One connection's message limits in 16 bytes, inside its <see cref="PeerConnection"/>: a token bucket for
/// messages, one for failed room look-ups, and the count that tells a flood from a burst. Nothing refills
/// them on a clock: each bucket is kept as the moment it will be full again (the "theoretical arrival
/// time" of GCRA, the generic cell rate algorithm of ATM networks), and a message compares that with
/// the time it arrived.
/// </summary>
/// <remarks>
/// A bucket of burst B and rate r is full when its moment is in the past; a message moves the moment
/// 1/r later, and is refused when that would put it more than B/r ahead of now. So a burst of B passes at
/// once, then one message per 1/r, and the wait until the next one is exactly how far it is over.
/// Only the receiving thread touches it. Not thread-safe, not copyable in spirit: a field, used in place.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
internal struct MessageBudget
{
    private const int CountBits = 20;
    private const int CountMask = (1 << CountBits) - 1;
    private const int StrikeBits = 6;
    private const int StrikeMask = (1 << StrikeBits) - 1;
    private const int WindowMask = 63;

    /// <summary>When the message bucket is full again, in timestamp ticks (0: full from the start).</summary>
    private long _messagesFull;

    /// <summary>When the look-up bucket is full again, in hundredths of a second since the connection started (wraps; see <see cref="LookupLead"/>).</summary>
    private int _lookupsFull;

    /// <summary>Refusals in the current second (20 bits), seconds of flood in a row (6 bits), the second's number modulo 64 (6 bits).</summary>
    private int _flood;

    /// <summary>
    /// Takes one message arriving at <paramref name="now"/> (timestamp ticks); false when the bucket is empty,
    /// with how long until it would be taken. The relay path's only cost: a compare, an add, a compare.
    /// </summary>
    public bool TryTakeMessage(long now, MessageRates rates, out long retryAfterTicks)
    {
        var full = _messagesFull < now ? now : _messagesFull;
        var next = full + rates.MessageCost;
        var over = next - now - rates.MessageTolerance;
        if (over <= 0)
        {
            _messagesFull = next;
            retryAfterTicks = 0;
            return true;
        }

        retryAfterTicks = over;
        return false;
    }

    /// <summary>
    /// Whether a room may be looked up at <paramref name="elapsedMs"/> (since the connection started): false,
    /// with the wait, when the failed look-ups it was allowed are spent. Asked before the rooms are consulted.
    /// </summary>
    public readonly bool CanLookUp(long elapsedMs, MessageRates rates, out int retryAfterMs)
    {
        var over = LookupLead(elapsedMs / 10, rates) + rates.LookupCost - rates.LookupTolerance;
        retryAfterMs = Math.Max(0, over) * 10;
        return over <= 0;
    }

    /// <summary>A look-up found no room: it costs one from the look-up bucket.</summary>
    public void ChargeFailedLookUp(long elapsedMs, MessageRates rates)
    {
        var now = elapsedMs / 10;
        _lookupsFull = unchecked((int)now + LookupLead(now, rates) + rates.LookupCost);
    }

    /// <summary>
    /// Counts a refused message in the second it arrived in; true when this makes
    /// <see cref="MessageRates.FloodSeconds"/> seconds in a row with more than
    /// <see cref="MessageRates.FloodThreshold"/> refusals each: the sender is flooding, not bursting.
    /// </summary>
    public bool CountRefusal(long elapsedMs, MessageRates rates)
    {
        var second = (int)(elapsedMs / 1000) & WindowMask;
        var count = _flood & CountMask;
        var strikes = (_flood >> CountBits) & StrikeMask;
        var window = (_flood >> (CountBits + StrikeBits)) & WindowMask;
        if (count == 0 || second != window)
        {
            // A new second: the run goes on only if the second before was a flood too.
            var continues = count >= rates.FloodThreshold && second == ((window + 1) & WindowMask);
            strikes = continues ? strikes : 0;
            count = 0;
            window = second;
        }

        var flood = false;
        if (count < rates.FloodThreshold)
        {
            count++;
            if (count == rates.FloodThreshold)
            {
                strikes = Math.Min(strikes + 1, StrikeMask);
                flood = strikes >= rates.FloodSeconds;
            }
        }

        _flood = count | (strikes << CountBits) | (window << (CountBits + StrikeBits));
        return flood;
    }

    /// <summary>Whether the refusal just counted is the first of its second (worth a log line; later ones are not).</summary>
    public readonly bool FirstRefusalOfSecond => (_flood & CountMask) == 1;

    /// <summary>
    /// How far ahead of <paramref name="now"/> (hundredths of a second) the look-up bucket runs, 0 when it is
    /// full. Kept in 32 bits, the clock wraps every 497 days: a lead beyond the tolerance cannot be real (the
    /// bucket never runs further ahead), so the connection was idle across a wrap and the bucket is full.
    /// Only a connection idle for a whole multiple of 497 days, to within the burst's minutes, could find
    /// its bucket partly spent.
    /// </summary>
    private readonly int LookupLead(long now, MessageRates rates)
    {
        var lead = unchecked(_lookupsFull - (int)now);
        return lead < 0 || lead > rates.LookupTolerance ? 0 : lead;
    }
}
