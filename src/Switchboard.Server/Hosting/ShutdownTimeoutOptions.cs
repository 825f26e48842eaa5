using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Hosting;

/// <summary>Gives the host's stop long enough for the drain and the close handshakes after it, whatever DrainTimeout is set to.</summary>
internal sealed class ShutdownTimeoutOptions(IOptions<SwitchboardOptions> switchboard) : IPostConfigureOptions<HostOptions>
{
    public void PostConfigure(string? name, HostOptions options)
    {
        var needed = switchboard.Value.DrainTimeout + switchboard.Value.CloseTimeout + TimeSpan.FromSeconds(5);
        if (options.ShutdownTimeout < needed)
        {
            options.ShutdownTimeout = needed;
        }
    }
}
