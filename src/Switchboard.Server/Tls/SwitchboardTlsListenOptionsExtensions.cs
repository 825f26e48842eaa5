using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Server.Tls;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Puts the <c>Switchboard:Tls</c> certificate on a Kestrel endpoint.</summary>
public static class SwitchboardTlsListenOptionsExtensions
{
    /// <summary>
    /// Serves HTTPS (and so WSS) on this endpoint with the <c>Switchboard:Tls</c> certificate when it is
    /// configured; leaves the endpoint plain otherwise. Needs <c>AddSwitchboard()</c> (which adds TLS).
    /// </summary>
    public static ListenOptions UseSwitchboardTls(this ListenOptions listen)
    {
        var services = listen.ApplicationServices;
        if (!services.GetRequiredService<IOptions<TlsOptions>>().Value.Enabled)
        {
            return listen;
        }

        var store = services.GetRequiredService<TlsCertificateStore>();
        return listen.UseHttps(https => TlsHttpsDefaults.Apply(https, store));
    }
}
