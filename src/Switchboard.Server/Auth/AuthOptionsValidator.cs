namespace Switchboard.Server.Auth;

/// <summary>The rules for <see cref="AuthOptions"/>; <see cref="SwitchboardOptionsValidator"/> reports them with the rest.</summary>
internal static class AuthOptionsValidator
{
    /// <summary>What is wrong, each naming its key below <c>Switchboard:</c>; empty when nothing is.</summary>
    public static List<string> Validate(AuthOptions options)
    {
        var failures = new List<string>();
        var jwt = options.Jwt;
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Auth:Timeout must be between 00:00:00.001 and 00:05:00 (was {options.Timeout}).");
        }

        if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Auth:Jwt:ClockSkew must be between 00:00:00 and 00:05:00 (was {jwt.ClockSkew}).");
        }

        if (!options.Enabled)
        {
            if (!string.IsNullOrWhiteSpace(jwt.Issuer) || !string.IsNullOrWhiteSpace(jwt.Audience))
            {
                // An issuer without keys looks like authentication is on when it is not: say so rather than run open.
                failures.Add("Auth:Jwt:SigningKeys must list at least one key when Auth:Jwt:Issuer or Auth:Jwt:Audience is set (without keys authentication is off).");
            }

            return failures;
        }

        if (string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            failures.Add("Auth:Jwt:Issuer must be set when signing keys are configured (the 'iss' every token must carry).");
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            failures.Add("Auth:Jwt:Audience must be set when signing keys are configured (the 'aud' every token must carry).");
        }

        for (var i = 0; i < jwt.SigningKeys.Count; i++)
        {
            try
            {
                SigningKeyReader.Read(jwt.SigningKeys[i] ?? string.Empty);
            }
            catch (FormatException ex)
            {
                // The message says what kind of key it is not; never the key itself.
                failures.Add($"Auth:Jwt:SigningKeys:{i} is not usable: {ex.Message}.");
            }
        }

        return failures;
    }
}
