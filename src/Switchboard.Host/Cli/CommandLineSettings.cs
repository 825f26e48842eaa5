namespace Switchboard.Host.Cli;

/// <summary>
/// Every flag of <c>switchboard</c>. Each documented setting in docs/configuration.md has one, and the
/// defaults here are the ones the options classes hold (kept in step by CommandLineTests).
/// </summary>
internal static class CommandLineSettings
{
    private const string S = "Switchboard:";

    public static readonly CommandLineSetting Config = new(
        "--config", null, null, "path",
        "a JSON file shaped like appsettings.json, read after appsettings.json and before environment variables and flags", null, SettingKind.ExistingFile);

    public static readonly IReadOnlyList<CommandLineSetting> All =
    [
        // Listening and the host around the server.
        new("--port", "port", "PORT", "port", "port to listen on, on all interfaces (IPv6 and IPv4); 0 lets the OS choose", "8080", SettingKind.Port),
        new("--urls", "urls", "ASPNETCORE_URLS", "urls", "ASP.NET endpoints separated by ';', e.g. http://127.0.0.1:9000; when given, --port is ignored", null, SettingKind.Text),
        Config,
        new("--tls-cert", S + "Tls:CertificatePath", null, "pem", "TLS certificate (PEM, full chain): serve HTTPS and WSS", null, SettingKind.Text),
        new("--tls-key", S + "Tls:KeyPath", null, "pem", "TLS private key (PEM) for --tls-cert", null, SettingKind.Text),
        new("--public-url", S + "PublicUrl", null, "url", "the address people open (e.g. behind a proxy: https://me.host/switchboard/); the banner prints it", null, SettingKind.AbsoluteUrl),
        new("--path-base", S + "PathBase", null, "path", "sub-path the app is served under, e.g. /switchboard", null, SettingKind.Text),
        new("--known-proxies", S + "KnownProxies", null, "addresses", "reverse proxies whose X-Forwarded-For is believed: addresses or networks like 10.0.0.0/8 (comma-separated or repeated)", null, SettingKind.List),
        new("--tls-reload-interval", S + "Tls:ReloadInterval", null, "hh:mm:ss", "how often the certificate files are read again, so a renewal is taken without a restart", "00:01:00", SettingKind.Duration),
        new("--metrics", S + "Metrics:Enabled", null, "true|false", "serve Prometheus metrics at /metrics", "true", SettingKind.Boolean),
        new("--metrics-urls", S + "Metrics:Urls", null, "urls", "serve /metrics on these private URLs instead of the listening port, e.g. http://127.0.0.1:9090 (comma-separated or repeated)", null, SettingKind.List),
        new("--admin-token", S + "Admin:Token", null, "token", "turns the /admin dashboard on, guarded by this token (prefer the environment variable: flags show in ps)", null, SettingKind.Text),
        new("--drain-timeout", S + "DrainTimeout", null, "hh:mm:ss", "how long a stopping server waits for clients to leave after telling them to reconnect (1012)", "00:00:10", SettingKind.Duration),
        new("--log-format", "Logging:Console:FormatterName", null, "json|simple|systemd", "console log format; json writes one JSON object per line", "simple", SettingKind.LogFormat),

        // SwitchboardOptions, in the order of docs/configuration.md.
        new("--max-message-size", S + "MaxMessageSize", null, "bytes", "largest message accepted (512 … 16 MiB); larger closes with 1009", "65536", SettingKind.Integer),
        new("--default-room-capacity", S + "DefaultRoomCapacity", null, "members", "capacity of a room created without one", "2", SettingKind.Integer),
        new("--max-room-capacity", S + "MaxRoomCapacity", null, "members", "largest capacity a client may ask for (2 … 1024)", "16", SettingKind.Integer),
        new("--max-rooms-per-connection", S + "MaxRoomsPerConnection", null, "rooms", "rooms one connection may be in at once", "16", SettingKind.Integer),
        new("--send-queue-limit", S + "SendQueueLimit", null, "messages", "messages waiting for one connection before it is closed as a slow consumer (4008)", "4096", SettingKind.Integer),
        new("--send-queue-byte-limit", S + "SendQueueByteLimit", null, "bytes", "bytes waiting for one connection before it is closed as a slow consumer (4008)", "1048576", SettingKind.Integer),
        new("--send-timeout", S + "SendTimeout", null, "hh:mm:ss", "how long a client that fell behind may take to catch up", "00:00:10", SettingKind.Duration),
        new("--partial-message-byte-limit", S + "PartialMessageByteLimit", null, "bytes", "bytes all connections together may hold for messages not yet complete", "33554432", SettingKind.Long),
        new("--partial-message-timeout", S + "PartialMessageTimeout", null, "hh:mm:ss", "how long one message may take to arrive once its first byte has", "00:00:15", SettingKind.Duration),
        new("--total-send-queue-byte-limit", S + "TotalSendQueueByteLimit", null, "bytes", "bytes all connections that are behind may have waiting together", "67108864", SettingKind.Long),
        new("--memory-trim-threshold", S + "MemoryTrimThreshold", null, "bytes", "bytes allocated before memory is given back after a burst (one compacting collection once it is quiet); 0 turns it off", "16777216", SettingKind.Long),
        new("--resume-grace-period", S + "ResumeGracePeriod", null, "hh:mm:ss", "how long a member whose connection vanished keeps its seat for a resume; 0 turns resume off", "00:00:15", SettingKind.Duration),
        new("--resume-buffer-limit", S + "ResumeBufferLimit", null, "messages", "relayed messages kept for one member while it is away; more are refused with peer-unavailable", "256", SettingKind.Integer),
        new("--resume-buffer-byte-limit", S + "ResumeBufferByteLimit", null, "bytes", "bytes of relayed messages kept for one member while it is away", "262144", SettingKind.Integer),
        new("--frames-per-turn", S + "FramesPerTurn", null, "frames", "frames one connection may have handled before the others on its thread get their turn", "64", SettingKind.Integer),
        new("--keep-alive-interval", S + "KeepAliveInterval", null, "hh:mm:ss", "how long a connection may stay quiet before the server pings it", "00:00:15", SettingKind.Duration),
        new("--keep-alive-timeout", S + "KeepAliveTimeout", null, "hh:mm:ss", "how long a ping may go unanswered before the peer is dropped", "00:00:15", SettingKind.Duration),
        new("--close-timeout", S + "CloseTimeout", null, "hh:mm:ss", "how long the server waits for a client to answer a close", "00:00:05", SettingKind.Duration),
        new("--direct-websockets", S + "DirectWebSockets", null, "true|false", "take plain-HTTP WebSocket upgrades straight from the socket (Linux, a few kB per idle connection)", "true", SettingKind.Boolean),
        new("--io-threads", S + "IoThreads", null, "threads", "threads serving direct WebSocket connections; 0 means one per processor", "0", SettingKind.Integer),
        new("--handshake-timeout", S + "HandshakeTimeout", null, "hh:mm:ss", "how long a new connection may take to send its request head", "00:00:10", SettingKind.Duration),
        new("--paths", S + "Paths", null, "paths", "paths that accept WebSocket upgrades (comma-separated or repeated)", "/ws,/", SettingKind.List),
        new("--allowed-origins", S + "AllowedOrigins", null, "origins", "pages besides the server's own that may connect, e.g. https://app.example.com; * allows any (comma-separated or repeated)", null, SettingKind.List),
        new("--require-origin", S + "RequireOrigin", null, "true|false", "refuse (403) upgrades without an Origin header (non-browser clients)", "false", SettingKind.Boolean),
        new("--max-connections-per-address", S + "ConnectionLimits:PerAddress", null, "connections", "open connections one client address may hold; 0 for no limit", "256", SettingKind.Integer),
        new("--new-connections-per-second", S + "ConnectionLimits:NewPerSecond", null, "connections", "new connections one address may open per second; 0 for no limit", "32", SettingKind.Integer),
        new("--new-connections-burst", S + "ConnectionLimits:NewBurst", null, "connections", "new connections one address may open at once before the per-second rate applies", "128", SettingKind.Integer),
        new("--max-connections", S + "ConnectionLimits:MaxConnections", null, "connections", "open connections in all; 0 derives it from the open-file limit", "0", SettingKind.Integer),
        new("--max-pending-handshakes", S + "ConnectionLimits:MaxPendingHandshakes", null, "connections", "new connections still to send their request head; 0 derives it from the open-file limit", "0", SettingKind.Integer),
        new("--pending-handshakes-per-address", S + "ConnectionLimits:PendingHandshakesPerAddress", null, "connections", "the same, from one address; 0 for no limit", "128", SettingKind.Integer),
        new("--messages-per-second", S + "MessageLimits:MessagesPerSecond", null, "messages", "messages one connection may send per second once its burst is spent; more are refused with rate-limited (0: no limit)", "50", SettingKind.Integer),
        new("--message-burst", S + "MessageLimits:MessageBurst", null, "messages", "messages one connection may send at once (twice a 16-person mesh join)", "600", SettingKind.Integer),
        new("--failed-room-lookups-per-minute", S + "MessageLimits:FailedRoomLookupsPerMinute", null, "look-ups", "room-not-found answers one connection earns back per minute; beyond them look-ups are refused (0: no limit)", "10", SettingKind.Integer),
        new("--failed-room-lookup-burst", S + "MessageLimits:FailedRoomLookupBurst", null, "look-ups", "room-not-found answers one connection may get at once", "20", SettingKind.Integer),
        new("--flood-factor", S + "MessageLimits:FloodFactor", null, "times", "a client sending more than this many times its message limit for --flood-duration is closed (1008)", "10", SettingKind.Integer),
        new("--flood-duration", S + "MessageLimits:FloodDuration", null, "hh:mm:ss", "how long a flood must last to be closed", "00:00:03", SettingKind.Duration),
        new("--ice-server", S + "IceServers", null, "url", "a STUN or TURN URL handed to clients, one server each (repeatable); TURN credentials go in --config or the environment", null, SettingKind.IceServerList),
        new("--auth-issuer", S + "Auth:Jwt:Issuer", null, "issuer", "the iss every token must carry; authentication is on once a signing key is set (Switchboard__Auth__Jwt__SigningKeys__0 in the environment or --config: keys have no flag)", null, SettingKind.Text),
        new("--auth-audience", S + "Auth:Jwt:Audience", null, "audience", "the aud every token must carry", null, SettingKind.Text),
        new("--auth-clock-skew", S + "Auth:Jwt:ClockSkew", null, "hh:mm:ss", "how far a token's exp and nbf may be off the server's clock", "00:00:30", SettingKind.Duration),
        new("--auth-timeout", S + "Auth:Timeout", null, "hh:mm:ss", "how long a new connection may take to send its first token", "00:00:10", SettingKind.Duration),
        new("--turn-urls", S + "Turn:Urls", null, "urls", "TURN URLs handed to clients with a credential minted for each (comma-separated or repeated); needs Switchboard__Turn__Secret in the environment, since a secret has no flag", null, SettingKind.List),
        new("--turn-ttl", S + "Turn:Ttl", null, "hh:mm:ss", "how long each minted TURN credential may start new relays", "01:00:00", SettingKind.Duration),
    ];

    /// <summary>The environment variable that sets the same key as <paramref name="setting"/>, or null.</summary>
    public static string? EnvironmentVariable(CommandLineSetting setting) =>
        setting.Environment ?? (setting.Key is null ? null : CommandLineSetting.EnvironmentFor(setting.IsList ? setting.Key + ":0" : setting.Key) + (setting.Kind == SettingKind.IceServerList ? "__Urls__0" : string.Empty));
}
