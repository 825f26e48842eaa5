using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Switchboard.Host;

/// <summary>Says where the server listens once Kestrel has bound, so <c>--port 0</c> shows the real port.</summary>
internal sealed partial class StartupBanner(IServer server, IHostApplicationLifetime lifetime, ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Announce);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Announce()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            var uri = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal));
            Log.Listening(logger, uri.Port);
            Log.OpenUrl(logger, $"{uri.Scheme}://{uri.Host}:{uri.Port}/");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Server is listening on port {Port}", EventName = "Listening")]
        public static partial void Listening(ILogger logger, int port);

        [LoggerMessage(2, LogLevel.Information, "Open {Url} in a browser to start a call; signaling clients connect to the same address (ws://…/ws or ws://…/)", EventName = "OpenUrl")]
        public static partial void OpenUrl(ILogger logger, string url);
    }
}
