using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Diagnostics;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// Which pages may open a WebSocket (Switchboard:AllowedOrigins, RequireOrigin): the server's own and the
/// listed ones; a page elsewhere gets 403 and the operator a log event naming its origin. Both ways in.
/// </summary>
public abstract class OriginPolicyTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : OriginPolicyTests(WayIn.Direct);

    public sealed class Pipeline() : OriginPolicyTests(WayIn.Pipeline);

    [Fact]
    public async Task Upgrade_ForeignOrigin_Gets403AndAWarningNamingTheOrigin()
    {
        await using var server = await StartServerAsync();

        var head = await AnswerAsync(server, "https://evil.example");

        Assert.StartsWith("HTTP/1.1 403", head, StringComparison.Ordinal);
        // Waiting does not make a foreign page welcome: no Retry-After.
        Assert.DoesNotContain("Retry-After", head, StringComparison.OrdinalIgnoreCase);
        var logged = Assert.Single(server.Logs.Named("ForeignOriginRefused"));
        Assert.Contains("https://evil.example", logged.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Stats.Connections);
        Assert.Equal(1, server.Services.GetRequiredService<SwitchboardMetrics>().Snapshot().Handshakes["forbidden-origin"]);
    }

    [Fact]
    public async Task Upgrade_SameHostOtherPort_Gets403()
    {
        await using var server = await StartServerAsync();

        // Another port on the same host is another origin (another web server a page could come from).
        Assert.StartsWith("HTTP/1.1 403", await AnswerAsync(server, "http://127.0.0.1:1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upgrade_SameOrigin_ConnectsAndRelays()
    {
        await using var server = await StartServerAsync();
        var origin = $"http://{server.HttpAddress.Authority}";

        Assert.StartsWith("HTTP/1.1 101", await AnswerAsync(server, origin), StringComparison.Ordinal);
        await AssertRelaysAsync(server, origin);
    }

    [Fact]
    public async Task Upgrade_ListedOrigin_ConnectsButAnotherPortOfItDoesNot()
    {
        await using var server = await StartServerAsync(o => o.AllowedOrigins = ["https://App.Example.com/"]);

        Assert.StartsWith("HTTP/1.1 101", await AnswerAsync(server, "https://app.example.com"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 101", await AnswerAsync(server, "https://app.example.com:443"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", await AnswerAsync(server, "https://app.example.com:8443"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", await AnswerAsync(server, "http://app.example.com"), StringComparison.Ordinal);
        await AssertRelaysAsync(server, "https://app.example.com");
    }

    [Fact]
    public async Task Upgrade_NoOrigin_ConnectsUnlessRequireOrigin()
    {
        await using (var open = await StartServerAsync())
        {
            Assert.StartsWith("HTTP/1.1 101", await AnswerAsync(open, origin: null), StringComparison.Ordinal);
        }

        await using var strict = await StartServerAsync(o => o.RequireOrigin = true);
        Assert.StartsWith("HTTP/1.1 403", await AnswerAsync(strict, origin: null), StringComparison.Ordinal);
        Assert.Single(strict.Logs.Named("MissingOriginRefused"));
        Assert.StartsWith("HTTP/1.1 101", await AnswerAsync(strict, $"http://{strict.HttpAddress.Authority}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upgrade_AnyOriginAllowed_ForeignOriginConnects()
    {
        await using var server = await StartServerAsync(o => o.AllowedOrigins = ["*"]);

        Assert.StartsWith("HTTP/1.1 101", await AnswerAsync(server, "https://evil.example"), StringComparison.Ordinal);
        await AssertRelaysAsync(server, "https://elsewhere.example");
    }

    [Fact]
    public async Task Upgrade_NullOrigin_Gets403()
    {
        await using var server = await StartServerAsync();

        // What a sandboxed iframe or a file:// page sends: no page an operator could have meant to allow.
        Assert.StartsWith("HTTP/1.1 403", await AnswerAsync(server, "null"), StringComparison.Ordinal);
    }

    private static async Task<string> AnswerAsync(TestServer server, string? origin)
    {
        await using var raw = await RawWebSocket.OpenAsync(server.HttpAddress);
        await raw.SendRawAsync(RawWebSocket.UpgradeRequest(server.HttpAddress, extraHeaders: origin is null ? string.Empty : $"Origin: {origin}\r\n"));
        return await raw.ReadResponseHeadAsync();
    }

    /// <summary>Two browsers on <paramref name="origin"/>'s page talk through the server.</summary>
    private static async Task AssertRelaysAsync(TestServer server, string origin)
    {
        await using var a = await TestClient.ConnectAsync(server.WebSocketAddress, o => o.SetRequestHeader("Origin", origin));
        await using var b = await TestClient.ConnectAsync(server.WebSocketAddress, o => o.SetRequestHeader("Origin", origin));
        var (roomId, _) = await a.CreateRoomAsync();
        await b.JoinAsync(roomId);
        await a.ExpectAsync("peerJoined");
        await b.SendAsync(new { type = "offer", roomId, payload = "sdp" });
        Assert.Equal("sdp", (string?)(await a.ExpectAsync("offer"))["payload"]);
    }
}
