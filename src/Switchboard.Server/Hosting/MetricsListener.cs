using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Switchboard.Server.Hosting;

/// <summary>
/// <c>/metrics</c> on its own, private listener (<see cref="MetricsOptions.Urls"/>), so the public port
/// does not show how busy the server is. A second, minimal Kestrel that serves only the scrape, from the
/// same meters.
/// </summary>
internal sealed class MetricsListener(IServiceProvider services, IOptions<SwitchboardOptions> options) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var metrics = options.Value.Metrics;
        if (!metrics.Enabled || metrics.Urls.Count == 0)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. metrics.Urls]);
        _app = builder.Build();
        var meterProvider = services.GetRequiredService<MeterProvider>();
        _app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, context => context.Request.Path == SwitchboardEndpoints.MetricsPath, null, null, null);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
