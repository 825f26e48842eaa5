using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Auth;

/// <summary>
/// Keeps access tokens out of the logs: with authentication on, ASP.NET Core's request lines
/// (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c>, "Request starting … /ws?access_token=…" at
/// Information and the matching "Request finished") would carry the token of every upgrade that comes
/// through the HTTP pipeline, whatever level an operator turns on to debug. That category is held at
/// Warning; its Warning and Error events carry no query string. So is Kestrel's
/// <c>Microsoft.AspNetCore.Server.Kestrel.BadRequests</c>: at Debug it quotes the request line of a request
/// it cannot parse ("Invalid request line: 'GET /ws?access_token=…'"), on both ways in, since the direct
/// path leaves such a request to Kestrel. Added last, so they outrank the configuration's rules for the same
/// categories.
/// </summary>
internal sealed class TokenLogFilter(IOptions<SwitchboardOptions> options) : IConfigureOptions<LoggerFilterOptions>
{
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public const string BadRequestCategory = "Microsoft.AspNetCore.Server.Kestrel.BadRequests";

    public void Configure(LoggerFilterOptions filter)
    {
        bool enabled;
        try
        {
            enabled = options.Value.Auth.Enabled;
        }
        catch (OptionsValidationException)
        {
            // A bad configuration stops the start anyway (ValidateOnStart); until then, assume tokens may come.
            enabled = true;
        }

        if (enabled)
        {
            filter.Rules.Add(new LoggerFilterRule(providerName: null, Category, LogLevel.Warning, filter: null));
            filter.Rules.Add(new LoggerFilterRule(providerName: null, BadRequestCategory, LogLevel.Warning, filter: null));
        }
    }
}
