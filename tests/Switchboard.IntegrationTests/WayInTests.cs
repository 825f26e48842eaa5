using Switchboard.Server;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// The base of every integration test class that holds for any way into the server. Each such class is
/// abstract, with two nested sealed classes, <c>Direct</c> and <c>Pipeline</c>, that xunit runs; so each
/// test appears twice, as <c>SeedFlowTests+Direct.…</c> and <c>SeedFlowTests+Pipeline.…</c>, and a
/// guarantee that holds on one path only shows up as a failure on the other.
/// </summary>
public abstract class WayInTests(WayIn wayIn)
{
    protected WayIn WayIn { get; } = wayIn;

    /// <summary>A server reached this class's way; the test's own options are applied first.</summary>
    protected Task<TestServer> StartServerAsync(Action<SwitchboardOptions>? configure = null) =>
        TestServer.StartAsync(WayIn, configure);

    /// <summary>A server whose endpoint speaks only <paramref name="protocols"/> (HTTP/2 without TLS, say).</summary>
    protected Task<TestServer> StartServerAsync(Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols protocols) =>
        TestServer.StartAsync(WayIn, configure: null, protocols);
}
