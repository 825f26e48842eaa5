using Switchboard.Server.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Switchboard to the request pipeline.</summary>
public static class SwitchboardApplicationBuilderExtensions
{
    /// <summary>
    /// Accepts signaling WebSockets on the configured paths (<c>/ws</c> and <c>/</c> by default). Put it
    /// before static files so an upgrade on <c>/</c> is not answered with the web app's page.
    /// </summary>
    public static IApplicationBuilder UseSwitchboard(this IApplicationBuilder app)
    {
        // The handshake, framing and keep-alive are Switchboard's own on this path too: no UseWebSockets().
        return app.UseMiddleware<SwitchboardMiddleware>();
    }
}
