using Microsoft.Extensions.Options;

namespace Switchboard.Server.Admission;

/// <summary>
/// Rejects admission settings that would refuse everyone or guard nothing: <see cref="SwitchboardOptions.AllowedOrigins"/>
/// entries that are not origins, and <see cref="ConnectionLimitOptions"/> out of range.
/// </summary>
internal sealed class AdmissionOptionsValidator : IValidateOptions<SwitchboardOptions>
{
    public ValidateOptionsResult Validate(string? name, SwitchboardOptions options)
    {
        var failures = new List<string>();

        void Require(bool condition, string message)
        {
            if (!condition)
            {
                failures.Add($"{SwitchboardOptions.SectionName}:{message}");
            }
        }

        foreach (var origin in options.AllowedOrigins)
        {
            var trimmed = (origin ?? string.Empty).Trim();
            Require(
                trimmed == "*" || OriginPolicy.TryNormalize(trimmed.TrimEnd('/'), out _),
                $"AllowedOrigins entries must be '*' or an origin like https://app.example.com (scheme, host and an optional port; no path) (was '{origin}').");
        }

        var limits = options.ConnectionLimits;
        const string Section = "ConnectionLimits";
        Require(limits.PerAddress >= 0, $"{Section}:PerAddress must be 0 (no limit) or more (was {limits.PerAddress}).");
        Require(limits.NewPerSecond >= 0, $"{Section}:NewPerSecond must be 0 (no limit) or more (was {limits.NewPerSecond}).");
        Require(limits.NewPerSecond == 0 || limits.NewBurst >= 1, $"{Section}:NewBurst must be at least 1 while NewPerSecond is on (was {limits.NewBurst}).");
        Require(limits.MaxConnections >= 0, $"{Section}:MaxConnections must be 0 (derived from the open-file limit) or more (was {limits.MaxConnections}).");
        Require(limits.MaxPendingHandshakes >= 0, $"{Section}:MaxPendingHandshakes must be 0 (derived from the open-file limit) or more (was {limits.MaxPendingHandshakes}).");
        Require(limits.PendingHandshakesPerAddress >= 0, $"{Section}:PendingHandshakesPerAddress must be 0 (no limit) or more (was {limits.PendingHandshakesPerAddress}).");
        Require(
            limits.MaxConnections <= 0 || limits.PerAddress == 0 || limits.PerAddress <= limits.MaxConnections,
            $"{Section}:PerAddress ({limits.PerAddress}) must not exceed MaxConnections ({limits.MaxConnections}).");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
