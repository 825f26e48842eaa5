using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Hosting;

/// <summary>
/// Lowers what Kestrel buffers for one connection that is not read from, where its defaults are still in
/// place. A signaling connection whose output is blocked is not read from (flow control, decision 6); on
/// the direct path what it sends then waits in the kernel, but through the HTTP pipeline Kestrel keeps
/// reading into its own buffers up to these limits: by default 1 MiB per connection (and per HTTP/2
/// stream window), which a few hundred such clients turn into the heap's limit. 64 KiB holds the largest
/// default message and keeps them at a few MB. An operator's own values (the <c>Kestrel</c> section) win.
/// </summary>
internal sealed class KestrelBufferLimits : IConfigureOptions<KestrelServerOptions>, IConfigureOptions<SocketTransportOptions>
{
    /// <summary>What one connection may have read but not yet handed on.</summary>
    public const int ReadBufferSize = 64 * 1024;

    private const int KestrelDefault = 1024 * 1024;
    private const int KestrelDefaultStreamWindow = 768 * 1024;

    public void Configure(KestrelServerOptions options)
    {
        var limits = options.Limits;
        if (limits.MaxRequestBufferSize == KestrelDefault)
        {
            limits.MaxRequestBufferSize = ReadBufferSize;
        }

        if (limits.Http2.InitialStreamWindowSize == KestrelDefaultStreamWindow)
        {
            limits.Http2.InitialStreamWindowSize = ReadBufferSize;
        }

        if (limits.Http2.InitialConnectionWindowSize == KestrelDefault)
        {
            limits.Http2.InitialConnectionWindowSize = 2 * ReadBufferSize;
        }
    }

    public void Configure(SocketTransportOptions options)
    {
        if (options.MaxReadBufferSize == KestrelDefault)
        {
            options.MaxReadBufferSize = ReadBufferSize;
        }
    }
}
