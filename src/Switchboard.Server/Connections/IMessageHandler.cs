namespace Switchboard.Server.Connections;

/// <summary>
/// A dialect: turns one connection's messages into calls on the core and formats the answers.
/// Called only from that connection's receive loop, one message at a time.
/// </summary>
internal interface IMessageHandler
{
    /// <summary>A complete text message, valid UTF-8, at most the configured size. The span is only valid during the call.</summary>
    void OnText(PeerConnection connection, ReadOnlySpan<byte> message);

    /// <summary>A complete binary message (its content is not kept).</summary>
    void OnBinary(PeerConnection connection);

    /// <summary>
    /// A message was refused unread because the connection is over its message limit: the sender must be
    /// told (<c>rate-limited</c>), in this dialect's words, that it may try again after <paramref name="retryAfterMs"/>.
    /// </summary>
    void OnRateLimited(PeerConnection connection, int retryAfterMs);

    /// <summary>The connection is gone, for whatever reason; runs exactly once.</summary>
    void OnClosed(PeerConnection connection);
}
