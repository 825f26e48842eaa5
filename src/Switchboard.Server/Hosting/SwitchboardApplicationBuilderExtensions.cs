using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Server;
using Switchboard.Server.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Switchboard to the request pipeline.</summary>
public static class SwitchboardApplicationBuilderExtensions
{
    /// <summary>
    /// Accepts signaling WebSockets on the configured paths (<c>/ws</c> and <c>/</c> by default), and serves
    /// <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c> (unless it has a listener of its own) and, with an
    /// admin token, <c>/admin</c>. Put it before static files so an upgrade on <c>/</c> is not answered with
    /// the web app's page.
    /// </summary>
    public static IApplicationBuilder UseSwitchboard(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<SwitchboardOptions>>().Value;
        app.UseHealthChecks(SwitchboardEndpoints.HealthPath, new HealthCheckOptions { Predicate = _ => false });
        app.UseHealthChecks(SwitchboardEndpoints.ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadinessHealthCheck.Tag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        if (options.Metrics.Enabled && options.Metrics.Urls.Count == 0)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == SwitchboardEndpoints.MetricsPath);
        }

        if (!string.IsNullOrEmpty(options.Admin.Token))
        {
            app.UseMiddleware<AdminMiddleware>();
        }

        // The handshake, framing and keep-alive are Switchboard's own on this path too: no UseWebSockets().
        return app.UseMiddleware<SwitchboardMiddleware>();
    }
}
