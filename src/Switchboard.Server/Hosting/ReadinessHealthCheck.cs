using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Server.Admission;

namespace Switchboard.Server.Hosting;

/// <summary>
/// <c>/readyz</c>: ready while the server takes new clients, not while it drains for a restart. Draining is
/// reported as Degraded, which <c>/readyz</c> answers with 503: the health-check service logs Unhealthy as
/// an Error, and a planned restart is not one.
/// </summary>
internal sealed class ReadinessHealthCheck(SwitchboardDrain drain) : IHealthCheck
{
    public const string Tag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining ? HealthCheckResult.Degraded("draining for a restart") : HealthCheckResult.Healthy("accepting clients"));
}
