using Microsoft.Extensions.Hosting;
using Switchboard.Server.Connections;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Hosting;

/// <summary>Closes every connection with 1012 (service restart) when the host stops, so clients learn at once and can reconnect after a short, random delay.</summary>
internal sealed class SwitchboardShutdown : IHostedService
{
    private readonly ConnectionStore _connections;
    private readonly IHostApplicationLifetime _lifetime;

    public SwitchboardShutdown(ConnectionStore connections, IHostApplicationLifetime lifetime)
    {
        _connections = connections;
        _lifetime = lifetime;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lifetime.ApplicationStopping.Register(() => _connections.CloseAll(CloseCodes.ServiceRestart, "server restarting"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
