using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Switchboard.Server;
using Switchboard.Server.Admission;
using Switchboard.Server.Auth;
using Switchboard.Server.Connections;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Dialects;
using Switchboard.Server.Hosting;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;
using Switchboard.Server.Seats;
using Switchboard.Server.Transport.Epoll;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Switchboard's services.</summary>
public static class SwitchboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the signaling server, its options bound from the <c>Switchboard</c> configuration section and
    /// validated at start-up. <paramref name="configure"/> runs after binding. Returns a builder that
    /// further features hang on.
    /// </summary>
    public static ISwitchboardBuilder AddSwitchboard(this IServiceCollection services, Action<SwitchboardOptions>? configure = null)
    {
        var options = services.AddOptions<SwitchboardOptions>().BindConfiguration(SwitchboardOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SwitchboardOptions>, SwitchboardOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SwitchboardOptions>, AdmissionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>, KestrelBufferLimits>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>, KestrelBufferLimits>());
        services.TryAddSingleton(sp => new ServerMessages(sp.GetRequiredService<IOptions<SwitchboardOptions>>().Value, sp.GetService<Switchboard.Server.Turn.TurnCredentials>()));
        services.TryAddSingleton<ISeatDirectory, LocalSeatDirectory>();
        services.TryAddSingleton<SignalingCore>();
        services.TryAddSingleton<ConnectionStore>();
        services.TryAddSingleton(sp => new NativeDialect(sp.GetRequiredService<SignalingCore>(), sp.GetRequiredService<IOptions<SwitchboardOptions>>().Value, sp.GetRequiredService<SwitchboardMetrics>(), sp.GetRequiredService<ConnectionAuthenticator>()));
        services.TryAddSingleton<ConnectionAuthenticator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<Microsoft.Extensions.Logging.LoggerFilterOptions>, TokenLogFilter>());
        services.TryAddSingleton<SwitchboardMetrics>();
        services.TryAddSingleton<SwitchboardDrain>();
        services.TryAddSingleton(sp => new ClientAddressResolver(sp.GetRequiredService<IOptions<SwitchboardOptions>>().Value.KnownProxies));
        services.TryAddSingleton(sp => new ConnectionLimits(sp.GetRequiredService<IOptions<SwitchboardOptions>>().Value.ConnectionLimits, DescriptorLimit.Soft()));
        services.TryAddSingleton<UpgradeAdmission>();
        services.TryAddSingleton<ReceiveBufferBudget>();
        services.TryAddSingleton<SendBacklogBudget>();
        services.TryAddSingleton<PeerConnectionFactory>();
        services.TryAddSingleton<EpollEngine>();
        services.TryAddSingleton(sp => new SwitchboardStats(sp.GetRequiredService<ConnectionStore>(), sp.GetRequiredService<SignalingCore>()));
        services.AddHostedService<SwitchboardShutdown>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HostOptions>, ShutdownTimeoutOptions>());
        services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("switchboard-ready", tags: [ReadinessHealthCheck.Tag]);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SwitchboardMetrics.MeterName, "System.Runtime", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http.Connections")
            .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 1000));
        services.AddHostedService<MetricsListener>();
        services.TryAddSingleton<ConnectionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionSweeper>());
        services.AddHostedService<MemoryTrimmer>();
        return new SwitchboardBuilder(services).AddTls().AddTurn();
    }
}
