using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Server;
using Switchboard.Server.Transport;
using Switchboard.Server.Transport.Epoll;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Puts Switchboard's socket transport under Kestrel.</summary>
public static class SwitchboardWebHostBuilderExtensions
{
    /// <summary>
    /// Lets Switchboard take WebSocket upgrades straight from Kestrel's TCP endpoints (see
    /// <see cref="SwitchboardOptions.DirectWebSockets"/>); everything else still reaches the HTTP
    /// pipeline, where <c>UseSwitchboard()</c> handles upgrades that arrive on HTTPS or HTTP/2. The direct
    /// transport needs Linux (epoll); elsewhere Kestrel's own transport is used and every WebSocket takes
    /// the pipeline.
    /// </summary>
    public static IWebHostBuilder UseSwitchboardTransport(this IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddSingleton<IConnectionListenerFactory>(sp =>
            sp.GetRequiredService<IOptions<SwitchboardOptions>>().Value.DirectWebSockets && EpollEngine.IsSupported
                ? ActivatorUtilities.CreateInstance<SwitchboardTransportFactory>(sp)
                : ActivatorUtilities.CreateInstance<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportFactory>(sp)));
}
