using System.Net.WebSockets;

namespace Switchboard.Client;

/// <summary>
/// How a <see cref="SwitchboardClient"/> connects, waits and reconnects. Immutable: start from
/// <see cref="Default"/> and change what you need with <c>with</c>.
/// </summary>
public sealed record SwitchboardClientOptions
{
    /// <summary>The defaults, as documented on each property.</summary>
    public static SwitchboardClientOptions Default { get; } = new();

    /// <summary>
    /// Reconnect by itself when the connection drops, resuming the seat (same peer id, the messages sent
    /// meanwhile) or, when the server no longer knows it, re-joining the rooms. Default <see langword="true"/>.
    /// </summary>
    public bool AutoReconnect { get; init; } = true;

    /// <summary>The wait before the first reconnect attempt after a drop; it doubles with each failed attempt. Default 0.5 s.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two reconnect attempts. Default 30 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The share of each wait that is random, from 0 (none) to 1: a wait of <c>d</c> becomes a uniform pick in
    /// <c>[d × (1 − jitter), d]</c>, so clients dropped together do not all come back at once. Default 0.5.
    /// </summary>
    public double ReconnectJitter { get; init; } = 0.5;

    /// <summary>
    /// How many reconnect attempts in a row may fail before the client gives up and closes;
    /// <see langword="null"/> (the default) tries for as long as the client lives.
    /// </summary>
    public int? MaxReconnectAttempts { get; init; }

    /// <summary>
    /// After the server closes with 1012 (restarting), the first attempt waits a uniform random time between
    /// this and <see cref="ServiceRestartDelayMax"/> instead of the backoff. Default 1 s.
    /// </summary>
    public TimeSpan ServiceRestartDelayMin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The upper end of the wait after a 1012; see <see cref="ServiceRestartDelayMin"/>. Default 5 s.</summary>
    public TimeSpan ServiceRestartDelayMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long opening the WebSocket may take, each attempt. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a call waits for the server's answer (<c>roomCreated</c>, <c>joined</c>, …), and how long a call
    /// made while the client is reconnecting waits for the connection to come back. Default 10 s.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The client pings a connection that has been quiet this long, so it notices a dead network itself;
    /// <see cref="TimeSpan.Zero"/> turns it off. Default 15 s.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the client waits for the pong before it treats the connection as dropped. Default 10 s.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest message the client accepts from the server; a larger one drops the connection (1009). Default 1 MiB.</summary>
    public int MaxMessageSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// How many events wait for <see cref="SwitchboardClient.ReadEventsAsync"/>. When they are not read, the client
    /// stops reading from the server (nothing is dropped), and calls that wait for an answer time out. Default 1024.
    /// </summary>
    public int EventBufferCapacity { get; init; } = 1024;

    /// <summary>
    /// With authentication on at the server: called before every connection (the first and each reconnect) for the
    /// JSON Web Token to present as the first message. Default <see langword="null"/>: no token is sent.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; init; }

    /// <summary>
    /// Called on each new <see cref="ClientWebSocket"/>'s options before it connects: headers (an <c>Origin</c> the
    /// server allows), a proxy, client certificates. Default <see langword="null"/>.
    /// </summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; init; }

    /// <summary>The clock and timers the client waits with; tests replace it. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        Positive(ReconnectInitialDelay, nameof(ReconnectInitialDelay));
        Positive(ReconnectMaxDelay, nameof(ReconnectMaxDelay));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(RequestTimeout, nameof(RequestTimeout));
        if (ReconnectMaxDelay < ReconnectInitialDelay)
        {
            throw new ArgumentException($"{nameof(ReconnectMaxDelay)} ({ReconnectMaxDelay}) must not be less than {nameof(ReconnectInitialDelay)} ({ReconnectInitialDelay}).");
        }

        if (ServiceRestartDelayMin < TimeSpan.Zero || ServiceRestartDelayMax < ServiceRestartDelayMin)
        {
            throw new ArgumentException($"{nameof(ServiceRestartDelayMin)} ({ServiceRestartDelayMin}) must be zero or more and not above {nameof(ServiceRestartDelayMax)} ({ServiceRestartDelayMax}).");
        }

        if (ReconnectJitter is < 0 or > 1 || double.IsNaN(ReconnectJitter))
        {
            throw new ArgumentException($"{nameof(ReconnectJitter)} must be between 0 and 1 (was {ReconnectJitter}).");
        }

        if (MaxReconnectAttempts < 0)
        {
            throw new ArgumentException($"{nameof(MaxReconnectAttempts)} must be zero or more (was {MaxReconnectAttempts}).");
        }

        if (KeepAliveInterval < TimeSpan.Zero || (KeepAliveInterval > TimeSpan.Zero && KeepAliveTimeout <= TimeSpan.Zero))
        {
            throw new ArgumentException($"{nameof(KeepAliveInterval)} must be zero (off) or positive with a positive {nameof(KeepAliveTimeout)}.");
        }

        if (MaxMessageSize < 1024)
        {
            throw new ArgumentException($"{nameof(MaxMessageSize)} must be at least 1024 bytes (was {MaxMessageSize}).");
        }

        if (EventBufferCapacity < 1)
        {
            throw new ArgumentException($"{nameof(EventBufferCapacity)} must be at least 1 (was {EventBufferCapacity}).");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be positive (was {value}).");
        }
    }
}
