namespace Switchboard.Server.Hosting;

/// <summary>The operator's endpoints, beside the signaling paths (docs/operations.md).</summary>
internal static class SwitchboardEndpoints
{
    public const string HealthPath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";
    public const string AdminPath = "/admin";
}
