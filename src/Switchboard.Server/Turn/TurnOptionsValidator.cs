using Microsoft.Extensions.Options;

namespace Switchboard.Server.Turn;

/// <summary>Stops the server at start-up on a TURN configuration that would hand out credentials no TURN server accepts.</summary>
internal sealed class TurnOptionsValidator : IValidateOptions<TurnOptions>
{
    internal const int MinimumSecretLength = 16;
    internal static readonly TimeSpan MinimumTtl = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan MaximumTtl = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, TurnOptions options)
    {
        var failures = new List<string>();

        void Require(bool condition, string message)
        {
            if (!condition)
            {
                failures.Add($"{TurnOptions.SectionName}:{message}");
            }
        }

        var hasSecret = !string.IsNullOrEmpty(options.Secret);
        Require(!hasSecret || options.Urls.Count > 0, "Urls must list the TURN server's turn: or turns: URLs when a Secret is set.");
        Require(hasSecret || options.Urls.Count == 0, "Secret (coturn's static-auth-secret) must be set when Urls are: without it no credential can be made.");
        Require(!hasSecret || options.Secret!.Length >= MinimumSecretLength, $"Secret must be at least {MinimumSecretLength} characters: every client sees credentials made with it, so a short one can be guessed offline (try `openssl rand -base64 32`).");
        foreach (var url in options.Urls)
        {
            Require(
                url.StartsWith("turn:", StringComparison.Ordinal) || url.StartsWith("turns:", StringComparison.Ordinal),
                $"Urls entries must start with turn: or turns: (was '{url}'); STUN servers go in Switchboard:IceServers.");
        }

        // Below a minute clients would be asking for fresh ones all the time and a few seconds of clock skew
        // would refuse them; beyond a day a credential read out of a page is as good as a password.
        Require(options.Ttl >= MinimumTtl && options.Ttl <= MaximumTtl, $"Ttl must be between 00:01:00 and 1.00:00:00 (was {options.Ttl}).");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
