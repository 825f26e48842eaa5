namespace Switchboard.Server;

/// <summary>
/// Every limit and timing of the signaling server. Bound from the <c>Switchboard</c> configuration
/// section (environment variables <c>Switchboard__Name</c>); validated at start-up so a bad value stops
/// the process with a clear message instead of misbehaving later.
/// </summary>
public sealed class SwitchboardOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Switchboard";

    /// <summary>Largest accepted message in bytes; larger messages close the connection with 1009. Default 65 536.</summary>
    public int MaxMessageSize { get; set; } = 64 * 1024;

    /// <summary>Capacity of a room created without <c>capacity</c>. Default 2 (a call between two people).</summary>
    public int DefaultRoomCapacity { get; set; } = 2;

    /// <summary>Largest capacity a client may ask for. Default 16: a full mesh beyond that does not work in browsers.</summary>
    public int MaxRoomCapacity { get; set; } = 16;

    /// <summary>How many rooms one connection may be in at once. Default 16.</summary>
    public int MaxRoomsPerConnection { get; set; } = 16;

    /// <summary>Messages that may wait to be written to one connection before it is closed as a slow consumer (4008). Default 4096.</summary>
    public int SendQueueLimit { get; set; } = 4096;

    /// <summary>Bytes that may wait to be written to one connection before it is closed as a slow consumer (4008). Default 1 MiB.</summary>
    public int SendQueueByteLimit { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a client may take to catch up with what is sent to it: counted from the first write it
    /// could not take at once until everything queued for it has been written, however little it reads
    /// meanwhile. Past it the connection is dropped as a slow consumer. Default 10 s.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Bytes all connections together may hold for messages that have not completely arrived (partial
    /// frames and fragmented messages); each such buffer grows with the bytes that arrived, never with
    /// what a frame header announces. A connection that needs more while the limit is reached is closed
    /// with 1013 (try again later). Default 32 MiB; at least twice <see cref="MaxMessageSize"/>.
    /// </summary>
    public long PartialMessageByteLimit { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// How long one message may take to arrive completely once its first byte has: a client that keeps a
    /// message half-sent holds its share of <see cref="PartialMessageByteLimit"/> at most this long, and is
    /// closed with 1008. Default 15 s (a 64 KiB message at 4.4 kB/s).
    /// </summary>
    public TimeSpan PartialMessageTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Bytes that may wait, in all connections together, for clients that are behind (their output is
    /// blocked because they are not taking what is sent to them). A connection that is behind and would
    /// queue more while this is reached is closed as a slow consumer (4008). Default 64 MiB; at least
    /// <see cref="SendQueueByteLimit"/>.
    /// </summary>
    public long TotalSendQueueByteLimit { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Bytes allocated since the last memory trim before the next: once this much has been allocated and a
    /// quiet second follows (less than a sixteenth of it allocated), one compacting collection gives back
    /// what the burst left, at most once per 10 s. Relaying allocates nothing, so without it the garbage of a
    /// burst of connection set-up could stay resident for as long as the connections idle. Default 16 MiB;
    /// 0 turns trimming off.
    /// </summary>
    public long MemoryTrimThreshold { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// How long a member whose connection vanished without a close frame (reset, lost network, keep-alive)
    /// keeps its seat (peer id, rooms, the messages sent to it) for a new connection to resume with its
    /// <c>resumeToken</c>; the others hear <c>peerDisconnected</c> now and <c>peerLeft</c> only when this
    /// ends. Default 15 s; zero turns resume off (no tokens, a lost connection leaves at once); at most 1 hour.
    /// </summary>
    public TimeSpan ResumeGracePeriod { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Relayed messages kept for one away member; one more is refused and its sender told
    /// <c>peer-unavailable</c>. Default 256; at least 1. At most half of <see cref="SendQueueLimit"/> is used, so what waited fits the resumed connection's queue.
    /// </summary>
    public int ResumeBufferLimit { get; set; } = 256;

    /// <summary>
    /// Bytes of relayed messages kept for one away member (they also count against
    /// <see cref="TotalSendQueueByteLimit"/>); a message that does not fit is refused with
    /// <c>peer-unavailable</c>. Default 256 KiB; at least 1. At most half of <see cref="SendQueueByteLimit"/> is used.
    /// </summary>
    public int ResumeBufferByteLimit { get; set; } = 256 * 1024;

    /// <summary>
    /// Frames one connection may have handled before the other connections served by the same thread get
    /// their turn; the rest waits, unread from the socket, for the next turn. Default 64.
    /// </summary>
    public int FramesPerTurn { get; set; } = 64;

    /// <summary>Interval of the server's WebSocket pings. Default 15 s.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a ping may go unanswered before the peer is dropped and its rooms told <c>peerLeft</c>. Default 15 s.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the server waits for the client's answer to a close frame it sent before aborting the connection. Default 5 s.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Take WebSocket upgrades on plain-HTTP endpoints straight from the socket instead of through the HTTP
    /// pipeline, so an idle connection keeps a few kB instead of about 14 kB. Other requests (the web app,
    /// TLS, HTTP/2) reach Kestrel untouched. Needs the host to call <c>UseSwitchboardTransport()</c>. Default true.
    /// </summary>
    public bool DirectWebSockets { get; set; } = true;

    /// <summary>
    /// Threads that serve direct WebSocket connections, each waiting on its own epoll set. Default 0: one per
    /// processor the process may run on.
    /// </summary>
    public int IoThreads { get; set; }

    /// <summary>How long a new connection may take to send its request head before Switchboard stops looking at it and leaves it to Kestrel. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Paths that accept WebSocket upgrades. Default <c>/ws</c> and <c>/</c> (the tutorial's clients connect to the root).</summary>
    public IList<string> Paths { get; set; } = [];

    /// <summary>STUN/TURN servers handed to clients in <c>roomCreated</c> and <c>joined</c>. Default none: Switchboard contacts no third party unless told to.</summary>
    public IList<IceServerOptions> IceServers { get; set; } = [];

    /// <summary>
    /// How long a stopping server (SIGTERM, SIGINT) waits for its clients to close after telling them all
    /// 1012 (service restart); those still open then are dropped. Meanwhile <c>/readyz</c> answers 503 and
    /// new upgrades are refused with 503. Default 10 s.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For</c> is believed, as addresses (<c>127.0.0.1</c>, <c>::1</c>) or
    /// networks (<c>10.0.0.0/8</c>). The client address Switchboard logs (and limits by) is the socket's peer,
    /// unless that peer is listed here: then it is the last address in the header that is not a listed
    /// proxy. Default none: no header is believed, so no client can forge its address.
    /// </summary>
    public IList<string> KnownProxies { get; set; } = [];

    /// <summary>
    /// Origins of pages, besides the server's own, that may open a WebSocket to it, as
    /// <c>https://app.example.com</c> (a port when it is not the scheme's default); <c>*</c> allows any page.
    /// The server's own origin (an Origin whose host and port are the request's Host) always may. Any other
    /// upgrade that carries an Origin gets 403. Default none: only the web app the server itself serves, so a
    /// page elsewhere cannot use its visitors' browsers against this server (cross-site WebSocket hijacking).
    /// </summary>
    public IList<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Refuse (403) upgrades that carry no Origin. Browsers always send one on a WebSocket; command-line
    /// clients, bots and native apps usually do not. Default false: those clients keep working, and a page
    /// in a browser still cannot get past <see cref="AllowedOrigins"/>.
    /// </summary>
    public bool RequireOrigin { get; set; }

    /// <summary>How many connections the server takes, from whom and how fast (<c>Switchboard:ConnectionLimits</c>).</summary>
    public Admission.ConnectionLimitOptions ConnectionLimits { get; set; } = new();

    /// <summary>The Prometheus endpoint (<c>/metrics</c>).</summary>
    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>Messages per connection, failed room look-ups, and when a flood is closed (<c>Switchboard:MessageLimits</c>).</summary>
    public MessageLimitOptions MessageLimits { get; set; } = new();

    /// <summary>The live dashboard (<c>/admin</c>).</summary>
    public AdminOptions Admin { get; set; } = new();

    /// <summary>Authentication of clients with JSON Web Tokens (<c>Switchboard:Auth</c>, docs/auth.md). Default off.</summary>
    public Auth.AuthOptions Auth { get; set; } = new();

    /// <summary>
    /// The sub-path the whole server is served under when a proxy forwards <c>https://host/switchboard/</c>
    /// without stripping it, e.g. <c>/switchboard</c>. The signaling paths are then under it too
    /// (<c>/switchboard/ws</c>), on both ways in. Default empty: served at the root.
    /// </summary>
    public string PathBase { get; set; } = string.Empty;

    internal static readonly string[] DefaultPaths = ["/ws", "/"];

    /// <summary>The paths the direct path takes upgrades on: the signaling paths under <see cref="PathBase"/>.</summary>
    internal IReadOnlyList<string> DirectPaths
    {
        get
        {
            var pathBase = PathBase.Trim().TrimEnd('/');
            return pathBase.Length == 0 ? EffectivePaths : [.. EffectivePaths.Select(path => pathBase + path)];
        }
    }

    /// <summary>The configured paths, or the defaults when none are configured.</summary>
    internal IReadOnlyList<string> EffectivePaths => Paths.Count > 0 ? (IReadOnlyList<string>)Paths : DefaultPaths;
}
