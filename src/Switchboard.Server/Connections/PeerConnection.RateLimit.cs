using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Diagnostics;

namespace Switchboard.Server.Connections;

/// <summary>
/// The message limits (<see cref="MessageLimitOptions"/>, decision 13): every text or binary message takes
/// one from the connection's bucket before any dialect sees it; an empty bucket refuses the message with
/// an answer the dialect formats (<see cref="IMessageHandler.OnRateLimited"/>), and a sender that keeps
/// going far above its limit is closed with 1008. WebSocket pings, pongs and closes are not counted:
/// they are answered once per turn whatever their number, and liveness must never be refused.
/// </summary>
internal sealed partial class PeerConnection
{
    private MessageBudget _budget;

    /// <summary>Milliseconds since the connection started, by the clock of the bytes being handled.</summary>
    private long ElapsedMs => (Volatile.Read(ref _lastHeard) - _startedAt) / _shared.Rates.TicksPerMillisecond;

    /// <summary>
    /// Whether this connection may look up another room in the registry: false (and the dialect answers
    /// <c>rate-limited</c> after <paramref name="retryAfterMs"/>) once the failed look-ups it was allowed are
    /// spent. Look-ups that find their room cost nothing; <see cref="OnRoomNotFound"/> charges one that did not.
    /// </summary>
    public bool CanLookUpRoom(out int retryAfterMs) => _budget.CanLookUp(ElapsedMs, _shared.Rates, out retryAfterMs);

    /// <summary>A look-up found no room: it counts against the failed look-ups this connection may make.</summary>
    public void OnRoomNotFound() => _budget.ChargeFailedLookUp(ElapsedMs, _shared.Rates);

    /// <summary>The message now being delivered may be handled: true, or false when it was refused (and answered).</summary>
    private bool TakeMessage()
    {
        // The time of the read that brought the message, already taken: no clock call per message.
        if (_budget.TryTakeMessage(_lastHeard, _shared.Rates, out var retryAfterTicks))
        {
            return true;
        }

        RefuseMessage(retryAfterTicks);
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RefuseMessage(long retryAfterTicks)
    {
        var rates = _shared.Rates;
        var flood = _budget.CountRefusal(ElapsedMs, rates);
        var ticksPerMs = rates.TicksPerMillisecond;
        var retryAfterMs = (int)Math.Min(int.MaxValue, (retryAfterTicks + ticksPerMs - 1) / ticksPerMs);
        if (_budget.FirstRefusalOfSecond && _shared.Logger.IsEnabled(LogLevel.Debug))
        {
            RateLimitLog.MessagesRefused(_shared.Logger, Id, rates.MessagesPerSecond, _shared.Options.MessageLimits.MessageBurst);
        }

        // Told, never dropped silently: the answer goes before a close, if one follows.
        _shared.Handler.OnRateLimited(this, retryAfterMs);
        if (flood)
        {
            var limits = _shared.Options.MessageLimits;
            RateLimitLog.Flooding(_shared.Logger, Id, limits.FloodFactor, limits.MessagesPerSecond, limits.FloodDuration);
            NoteCloseReason(CloseReason.RateLimited);
            RequestClose(WebSocketCloseStatus.PolicyViolation, "sending far above the message limit");
        }
    }

    private static partial class RateLimitLog
    {
        [LoggerMessage(130, LogLevel.Debug, "Peer {PeerId} is over its message limit ({Rate}/s, burst {Burst}): its messages are refused with rate-limited", EventName = "MessagesRateLimited")]
        public static partial void MessagesRefused(ILogger logger, string peerId, int rate, int burst);

        [LoggerMessage(131, LogLevel.Information, "Peer {PeerId} kept sending more than {Factor}x its limit of {Rate} messages/s for {Duration}: closing it (1008)", EventName = "MessageFlood")]
        public static partial void Flooding(ILogger logger, string peerId, int factor, int rate, TimeSpan duration);
    }
}
