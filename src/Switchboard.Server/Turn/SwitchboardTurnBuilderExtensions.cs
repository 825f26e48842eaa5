using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Server.Hosting;
using Switchboard.Server.Turn;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>TURN credentials for each client (<c>Switchboard:Turn</c>), in coturn's <c>use-auth-secret</c> scheme.</summary>
public static class SwitchboardTurnBuilderExtensions
{
    /// <summary>
    /// Binds and validates <c>Switchboard:Turn</c>. With a secret and URLs set, <c>roomCreated</c>, <c>joined</c>
    /// and <c>iceServers</c> carry a TURN entry with a credential minted for that client; otherwise nothing
    /// changes. <c>AddSwitchboard()</c> calls it.
    /// </summary>
    public static ISwitchboardBuilder AddTurn(this ISwitchboardBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TurnOptions>().BindConfiguration(TurnOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TurnOptions>, TurnOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TurnCredentials>();
        return builder;
    }
}
