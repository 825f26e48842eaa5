using System.Globalization;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using Switchboard.Host.Cli;
using Switchboard.Server;
using Switchboard.Server.Turn;

namespace Switchboard.Host;

/// <summary>
/// Says, once Kestrel has bound, where the server listens (so <c>--port 0</c> shows the real port), the
/// addresses people can open, and in one line what runs: version, endpoints, transport, limits. Warns
/// about settings that are surely slips and about a setup in which calls across the internet fail.
/// Never prints a secret: the admin token and ICE credentials are only said to be set.
/// </summary>
internal sealed partial class StartupBanner(
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<SwitchboardOptions> options,
    IConfiguration configuration,
    IServiceProvider services,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (setting, value, meaning) in SettingsPlausibility.Check(options.Value, configuration))
        {
            Log.ImplausibleValue(logger, setting, value, meaning);
        }

        lifetime.ApplicationStarted.Register(Announce);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Announce()
    {
        var settings = options.Value;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var endpoints = addresses.Select(ReachableAddresses.Parse).OfType<ReachableAddresses.Endpoint>().ToList();
        var pathBase = settings.PathBase;
        var publicUrl = configuration["Switchboard:PublicUrl"];
        var signalingPath = settings.Paths.Count > 0 ? settings.Paths[0] : "/ws";

        foreach (var endpoint in endpoints)
        {
            Log.Listening(logger, endpoint.Port);
        }

        var pages = !string.IsNullOrEmpty(publicUrl) && Uri.TryCreate(publicUrl, UriKind.Absolute, out var configured)
            ? [configured]
            : endpoints.SelectMany(e => ReachableAddresses.For(e, pathBase)).Distinct().ToList();
        foreach (var page in pages)
        {
            Log.OpenUrl(logger, page.ToString(), ReachableAddresses.Signaling(page, signalingPath).ToString());
        }

        Log.Started(logger, BuildVersion.Version, BuildVersion.Commit, string.Join(", ", addresses), Transport(settings), Limits(settings), Settings(settings, pathBase, publicUrl));

        var beyondLoopback = endpoints.Where(e => !e.IsLoopback).ToList();
        if (beyondLoopback.Count > 0 && settings.IceServers.Count == 0 && Turn() is not { Enabled: true })
        {
            Log.NoIceServers(logger);
        }

        if (!string.IsNullOrEmpty(configuration["Switchboard:Tls:CertificatePath"]) && endpoints.Count > 0 && endpoints.All(e => !e.IsTls))
        {
            Log.TlsUnused(logger);
        }

        if (string.IsNullOrEmpty(publicUrl) && beyondLoopback.Any(e => !e.IsTls))
        {
            Log.CameraNeedsHttps(logger);
        }
    }

    private string Transport(SwitchboardOptions settings)
    {
        // UseSwitchboardTransport() registers the direct transport only where it can run (Linux, DirectWebSockets on).
        var direct = settings.DirectWebSockets && services.GetService<IConnectionListenerFactory>() is { } factory && factory is not SocketTransportFactory;
        if (!direct)
        {
            return "pipeline (every WebSocket through Kestrel's HTTP pipeline)";
        }

        var threads = settings.IoThreads > 0 ? settings.IoThreads : Environment.ProcessorCount;
        return $"direct epoll on {threads.ToString(CultureInfo.InvariantCulture)} I/O thread{(threads == 1 ? string.Empty : "s")} for plain-HTTP WebSockets; pipeline for TLS and HTTP/2";
    }

    private static string Limits(SwitchboardOptions o) => string.Join(", ",
        $"MaxMessageSize={o.MaxMessageSize}",
        $"DefaultRoomCapacity={o.DefaultRoomCapacity}",
        $"MaxRoomCapacity={o.MaxRoomCapacity}",
        $"MaxRoomsPerConnection={o.MaxRoomsPerConnection}",
        $"SendQueueLimit={o.SendQueueLimit}",
        $"SendQueueByteLimit={o.SendQueueByteLimit}",
        $"TotalSendQueueByteLimit={o.TotalSendQueueByteLimit}",
        $"SendTimeout={o.SendTimeout:c}",
        $"PartialMessageByteLimit={o.PartialMessageByteLimit}",
        $"PartialMessageTimeout={o.PartialMessageTimeout:c}",
        $"FramesPerTurn={o.FramesPerTurn}",
        $"KeepAliveInterval={o.KeepAliveInterval:c}",
        $"KeepAliveTimeout={o.KeepAliveTimeout:c}",
        $"CloseTimeout={o.CloseTimeout:c}",
        $"HandshakeTimeout={o.HandshakeTimeout:c}",
        $"ConnectionsPerAddress={o.ConnectionLimits.PerAddress}",
        $"NewConnectionsPerSecond={o.ConnectionLimits.NewPerSecond}",
        $"NewConnectionsBurst={o.ConnectionLimits.NewBurst}",
        $"MaxConnections={o.ConnectionLimits.EffectiveMaxConnections}",
        $"MaxPendingHandshakes={o.ConnectionLimits.EffectiveMaxPendingHandshakes}",
        $"PendingHandshakesPerAddress={o.ConnectionLimits.PendingHandshakesPerAddress}",
        MessageLimits(o.MessageLimits));

    private static string MessageLimits(MessageLimitOptions m) => string.Join(", ",
        $"MessageLimits:MessagesPerSecond={m.MessagesPerSecond}",
        $"MessageLimits:MessageBurst={m.MessageBurst}",
        $"MessageLimits:FailedRoomLookupsPerMinute={m.FailedRoomLookupsPerMinute}",
        $"MessageLimits:FailedRoomLookupBurst={m.FailedRoomLookupBurst}",
        $"MessageLimits:FloodFactor={m.FloodFactor}",
        $"MessageLimits:FloodDuration={m.FloodDuration:c}");

    private string Settings(SwitchboardOptions o, string pathBase, string? publicUrl)
    {
        string Or(string? value, string otherwise) => string.IsNullOrEmpty(value) ? otherwise : value;
        var proxies = o.KnownProxies;
        var iceServers = o.IceServers.SelectMany(s => s.Urls).ToList();
        return string.Join(", ",
            $"PublicUrl={Or(publicUrl, "none")}",
            $"PathBase={Or(pathBase, "/")}",
            $"Paths={string.Join(' ', o.Paths.Count > 0 ? o.Paths : ["/ws", "/"])}",
            $"Tls={Or(configuration["Switchboard:Tls:CertificatePath"], "off")}",
            // Only the URLs: a TURN server's user name and credential are secrets.
            $"IceServers={(iceServers.Count > 0 ? string.Join(' ', iceServers) : "none")}",
            // Only the URLs and the lifetime: the secret mints every credential.
            $"Turn={(Turn() is { Enabled: true } turn ? $"{string.Join(' ', turn.Urls)} (credentials for {turn.Ttl:c})" : "off")}",
            $"KnownProxies={(proxies.Count > 0 ? string.Join(' ', proxies) : "none")}",
            $"Metrics={Metrics(o.Metrics)}",
            $"Admin={(string.IsNullOrEmpty(o.Admin.Token) ? "off" : "on (token set)")}",
            $"DrainTimeout={o.DrainTimeout:c}");
    }

    private TurnOptions? Turn() => services.GetService<IOptions<TurnOptions>>()?.Value;

    private static string Metrics(MetricsOptions metrics)
    {
        if (!metrics.Enabled)
        {
            return "off";
        }

        var urls = metrics.Urls;
        return urls.Count > 0 ? string.Join(' ', urls) : "/metrics on the listening endpoints";
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Server is listening on port {Port}", EventName = "Listening")]
        public static partial void Listening(ILogger logger, int port);

        [LoggerMessage(2, LogLevel.Information, "Open {Url} in a browser to start a call; signaling clients connect to {SignalingUrl}", EventName = "OpenUrl")]
        public static partial void OpenUrl(ILogger logger, string url, string signalingUrl);

        [LoggerMessage(3, LogLevel.Information, "Switchboard {Version} (commit {Commit}) started; endpoints {Endpoints}; transport {Transport}; limits {Limits}; {Settings}", EventName = "Started")]
        public static partial void Started(ILogger logger, string version, string commit, string endpoints, string transport, string limits, string settings);

        [LoggerMessage(4, LogLevel.Warning, "No STUN or TURN server is configured (Switchboard:IceServers) while listening beyond loopback: calls between different networks, e.g. across the internet, will fail to connect. See docs/configuration.md, \"ICE servers\"", EventName = "NoIceServers")]
        public static partial void NoIceServers(ILogger logger);

        [LoggerMessage(5, LogLevel.Information, "Browsers give the camera only to https:// pages and http://localhost: for calls from other machines serve TLS (--tls-cert and --tls-key) or put a TLS proxy in front and set --public-url", EventName = "CameraNeedsHttps")]
        public static partial void CameraNeedsHttps(ILogger logger);

        [LoggerMessage(7, LogLevel.Warning, "A TLS certificate is configured (Switchboard:Tls) but no endpoint serves https: with --urls, give an https:// URL (or use --port, which serves TLS when a certificate is set)", EventName = "TlsUnused")]
        public static partial void TlsUnused(ILogger logger);

        [LoggerMessage(6, LogLevel.Warning, "{Setting} is {Value}, which means {Meaning}", EventName = "ImplausibleValue")]
        public static partial void ImplausibleValue(ILogger logger, string setting, string value, string meaning);
    }
}
