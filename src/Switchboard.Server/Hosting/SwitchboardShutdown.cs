using System.Net.WebSockets;
using Microsoft.Extensions.Hosting;
using Switchboard.Server.Connections;

namespace Switchboard.Server.Hosting;

/// <summary>Closes every connection with 1001 when the host stops, so clients learn at once and can reconnect elsewhere.</summary>
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
        _lifetime.ApplicationStopping.Register(() => _connections.CloseAll(WebSocketCloseStatus.EndpointUnavailable, "server shutting down"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
