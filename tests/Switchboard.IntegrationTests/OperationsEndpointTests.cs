using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Admission;
using Switchboard.Server.Connections;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>Health, readiness, the client address behind a proxy and the dashboard's API, on both ways in.</summary>
public abstract class OperationsEndpointTests(WayIn wayIn) : WayInTests(wayIn)
{
    private const string AdminToken = "a-long-enough-admin-token";

    [Fact]
    public async Task Readyz_Draining_Answers503AndUpgradesGet503WhileHealthzStays200()
    {
        await using var server = await StartServerAsync();
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

        server.Services.GetRequiredService<SwitchboardDrain>().Begin();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        await using var socket = await RawWebSocket.OpenAsync(server.HttpAddress);
        await socket.SendRawAsync(RawWebSocket.UpgradeRequest(server.HttpAddress, "/ws"));
        var head = await socket.ReadResponseHeadAsync();
        Assert.StartsWith("HTTP/1.1 503", head, StringComparison.Ordinal);
        Assert.Contains("Retry-After: 5", head, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("", "203.0.113.7", "127.0.0.1")]
    [InlineData("127.0.0.1", "203.0.113.7", "203.0.113.7")]
    [InlineData("127.0.0.1", "198.51.100.9, 203.0.113.7", "203.0.113.7")]
    [InlineData("127.0.0.1,10.0.0.0/8", "198.51.100.9, 10.1.2.3", "198.51.100.9")]
    [InlineData("127.0.0.1", "garbage", "127.0.0.1")]
    public async Task ClientAddress_ForwardedFor_BelievedOnlyFromKnownProxies(string proxies, string forwardedFor, string expected)
    {
        await using var server = await StartServerAsync(o =>
        {
            foreach (var proxy in proxies.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                o.KnownProxies.Add(proxy);
            }
        });
        await using var socket = await RawWebSocket.OpenAsync(server.HttpAddress);
        await socket.SendRawAsync(RawWebSocket.UpgradeRequest(server.HttpAddress, "/ws", $"X-Forwarded-For: {forwardedFor}\r\n"));
        await socket.ExpectUpgradeAsync();

        var store = server.Services.GetRequiredService<ConnectionStore>();
        await Retry.UntilAsync("the connection is counted", () => store.Count == 1);
        var address = store.All.Single().ClientAddress;
        Assert.NotNull(address);
        Assert.Equal(IPAddress.Parse(expected), address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }

    [Fact]
    public async Task Admin_NoTokenConfigured_DoesNotExist()
    {
        await using var server = await StartServerAsync();
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/admin/api/stats")).StatusCode);
    }

    [Fact]
    public async Task AdminStats_MissingOrWrongToken_Refused401AndRightTokenShowsRoomsByPrefixOnly()
    {
        await using var server = await StartServerAsync(o => o.Admin.Token = AdminToken);
        await using var client = await server.ConnectAsync();
        var (roomId, _) = await client.CreateRoomAsync();
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/admin/api/stats")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/admin/api/stats") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminToken + "x") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/admin/api/stats") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminToken) } };
        var answer = await http.SendAsync(right);
        var text = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var stats = JsonNode.Parse(text)!;
        Assert.Equal(1, (int)stats["rooms"]!);
        Assert.Equal(1, (int)stats["connections"]![WayIn == WayIn.Direct ? "direct" : "pipeline"]!);
        Assert.Equal(roomId[..4], (string)stats["roomList"]![0]!["idPrefix"]!);
        Assert.DoesNotContain(roomId, text, StringComparison.Ordinal);
        Assert.Contains("<canvas", await http.GetStringAsync("/admin/"), StringComparison.Ordinal);
    }

    public sealed class Direct() : OperationsEndpointTests(WayIn.Direct);

    public sealed class Pipeline() : OperationsEndpointTests(WayIn.Pipeline);
}
