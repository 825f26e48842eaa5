using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Auth;

/// <summary>
/// Keeps access tokens out of the logs: with authentication on, ASP.NET Core's request lines
/// (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c>, "Request starting … /ws?access_token=…" at
/// Information and the matching "Request finished") would carry the token of every upgrade that comes
/// through the HTTP pipeline, whatever level an operator turns on to debug. That category is held at
/// Warning; its Warning and Error events carry no query string. Added last, so it outranks the
/// configuration's rule for the same category.
/// </summary>
internal sealed class TokenLogFilter(IOptions<SwitchboardOptions> options) : IConfigureOptions<LoggerFilterOptions>
{
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

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
        }
    }
}
