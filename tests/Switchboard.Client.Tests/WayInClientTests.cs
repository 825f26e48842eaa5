using Switchboard.Server;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>
/// The base of the client's test classes that hold for any way into the server (straight from the socket, or
/// through Kestrel's pipeline): each has nested <c>Direct</c> and <c>Pipeline</c> classes, as the integration tests do.
/// </summary>
public abstract class WayInClientTests(WayIn wayIn)
{
    protected WayIn WayIn { get; } = wayIn;

    /// <summary>A server reached this class's way, the test's own options first; on <paramref name="port"/> for a restart.</summary>
    protected Task<TestServer> StartServerAsync(Action<SwitchboardOptions>? configure = null, int port = 0) =>
        TestServer.StartAsync(
            o =>
            {
                configure?.Invoke(o);
                o.DirectWebSockets = WayIn == WayIn.Direct;
            },
            port);
}
