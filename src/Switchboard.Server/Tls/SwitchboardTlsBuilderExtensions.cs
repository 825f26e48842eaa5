using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Server.Tls;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>TLS for Switchboard's listening port from PEM files (<c>Switchboard:Tls</c>), reloaded when they change.</summary>
public static class SwitchboardTlsBuilderExtensions
{
    /// <summary>
    /// Binds and validates <c>Switchboard:Tls</c>, makes Kestrel's HTTPS defaults serve that certificate and
    /// checks the files for a renewed one every <see cref="TlsOptions.ReloadInterval"/>. Does nothing at run
    /// time unless both paths are set. <c>AddSwitchboard()</c> calls it.
    /// </summary>
    public static ISwitchboardBuilder AddTls(this ISwitchboardBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TlsCertificateStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, TlsHttpsDefaults>());
        services.AddHostedService<TlsCertificateReloader>();
        return builder;
    }
}
