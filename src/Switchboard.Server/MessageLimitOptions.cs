namespace Switchboard.Server;

/// <summary>
/// How much one connection may ask of the server (<c>Switchboard:MessageLimits</c>): messages per second
/// with a burst, failed room look-ups, and when a client that keeps sending far above its limit is closed.
/// Each connection keeps its share in a few fields of its own, refilled from timestamps when a message
/// arrives: no timer and no limiter object per connection (decision 13).
/// </summary>
/// <remarks>
/// The defaults come from what a browser really sends. Joining a 16-person mesh, the newcomer sends 15
/// offers (or answers) and, with trickle ICE, every candidate of 15 peer connections: 5 to 20 each (host
/// candidates per interface and address family, UDP and TCP, server-reflexive, one relay per TURN URL),
/// so a few hundred messages in its first seconds, then next to nothing. That burst must never meet a
/// limit; a flood is hundreds or thousands of messages a second, for as long as the sender likes.
/// </remarks>
public sealed class MessageLimitOptions
{
    /// <summary>
    /// Messages (text or binary) one connection may send per second, on average, once its burst is spent.
    /// Over it a message is refused with <c>rate-limited</c> and <c>retryAfterMs</c>; nothing is dropped
    /// silently. Default 50: a call settles with a few messages a minute, and 50 a second still refills a
    /// whole mesh join's worth within 10 s. 0 turns the limit off.
    /// </summary>
    public int MessagesPerSecond { get; set; } = 50;

    /// <summary>
    /// Messages one connection may send at once, on top of the rate: the size of its bucket, full when it
    /// connects. Default 600: twice a 16-person mesh join (15 offers and about 300 candidates), so the
    /// busiest honest moment meets no limit even when it comes twice (an ICE restart on a network change).
    /// </summary>
    public int MessageBurst { get; set; } = 600;

    /// <summary>
    /// Failed room look-ups (<c>room-not-found</c> answers to <c>join</c>, <c>leave</c> or an offer into a
    /// room) one connection is allowed per minute once its burst is spent; beyond them a look-up is refused
    /// with <c>rate-limited</c> before the rooms are consulted, so room ids cannot be guessed by trying.
    /// Look-ups that find their room cost nothing. Default 10 (one every 6 s): a person who mistypes a
    /// link does not come near it. 0 turns the limit off; at most 6000.
    /// </summary>
    public int FailedRoomLookupsPerMinute { get; set; } = 10;

    /// <summary>
    /// Failed room look-ups one connection may make at once. Default 20: more than a client in the most
    /// rooms a connection may be in (<c>MaxRoomsPerConnection</c>, 16) finds missing when it rejoins them
    /// all after the server restarted.
    /// </summary>
    public int FailedRoomLookupBurst { get; set; } = 20;

    /// <summary>
    /// How many times its <see cref="MessagesPerSecond"/> a client must keep sending, for
    /// <see cref="FloodDuration"/>, to be closed with 1008 instead of only being refused: the sender of a
    /// flood is not answered forever. Counted as messages refused in each second, which must exceed
    /// (factor − 1) × the rate. Default 10; between 2 and 1000.
    /// </summary>
    public int FloodFactor { get; set; } = 10;

    /// <summary>
    /// How long (in whole seconds, rounded up) a client must send at more than <see cref="FloodFactor"/>
    /// times its limit, every second, before it is closed with 1008. Default 3 s: long enough that a client
    /// which stops when it is told <c>rate-limited</c> is never closed, short enough that a flood costs the
    /// server a few seconds. Between 1 s and 1 min.
    /// </summary>
    public TimeSpan FloodDuration { get; set; } = TimeSpan.FromSeconds(3);
}
