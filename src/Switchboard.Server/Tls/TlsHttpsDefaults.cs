using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Tls;

/// <summary>
/// Makes every HTTPS endpoint Kestrel binds (<c>--urls https://…</c> as well as <c>--port</c>) serve the
/// certificate in <see cref="TlsCertificateStore"/>, looked up at each handshake so a reload reaches new
/// connections at once.
/// </summary>
internal sealed class TlsHttpsDefaults(IOptions<TlsOptions> options, IServiceProvider services) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        if (options.Value.Enabled)
        {
            var store = services.GetRequiredService<TlsCertificateStore>();
            kestrel.ConfigureHttpsDefaults(https => Apply(https, store));
        }
    }

    public static void Apply(HttpsConnectionAdapterOptions https, TlsCertificateStore store)
    {
        // Kestrel insists on a certificate or a selector before it binds an HTTPS endpoint; the selector
        // gives the current certificate, and OnAuthenticate then hands the handshake the prebuilt context
        // instead, which carries the intermediates (a bare certificate from a selector would not).
        https.ServerCertificateSelector = (_, _) => store.Current.Certificate;
        https.OnAuthenticate = (_, ssl) =>
        {
            ssl.ServerCertificateSelectionCallback = null;
            ssl.ServerCertificate = null;
            ssl.ServerCertificateContext = store.Current.Context;
        };
    }
}
