using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>A restart nobody notices: SIGTERM to a real server process with clients connected.</summary>
public sealed class DrainTests
{
    private const int ClientCount = 100;

    [Fact]
    public async Task Sigterm_HundredClients_ReadyzTurns503AllGet1012AndExitZero()
    {
        var drainTimeout = TimeSpan.FromSeconds(5);
        await using var server = await SwitchboardProcess.StartAsync(["--port", "0"], new Dictionary<string, string> { ["Switchboard__DrainTimeout"] = drainTimeout.ToString() });
        var uri = new Uri($"ws://127.0.0.1:{server.Port}/");
        var clients = await Task.WhenAll(Enumerable.Range(0, ClientCount).Select(_ => TestClient.ConnectAsync(uri)));
        await clients[0].CreateRoomAsync();

        // One client that never answers the close keeps the drain open, so what the server does meanwhile can be watched.
        await using var stubborn = await RawWebSocket.ConnectAsync(server.HttpAddress);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz").DefaultTimeout()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz").DefaultTimeout()).StatusCode);

        var signalled = Stopwatch.StartNew();
        await server.SignalAsync("TERM");
        await Task.WhenAny(clients.Select(c => c.Closed)).DefaultTimeout();

        // The first close has arrived: the server is already not ready, and refuses newcomers on both ways in.
        using (var fresh = new HttpClient { BaseAddress = server.HttpAddress })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await fresh.GetAsync("/readyz").DefaultTimeout()).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/healthz").DefaultTimeout()).StatusCode);
        }

        Assert.StartsWith("HTTP/1.1 503", await UpgradeAnswerAsync(server.HttpAddress, "/ws"), StringComparison.Ordinal);

        await Task.WhenAll(clients.Select(c => c.Closed)).DefaultTimeout();
        Assert.All(clients, c => Assert.Equal((WebSocketCloseStatus)1012, c.CloseStatus));
        Assert.All(clients, c => Assert.Equal("server restarting", c.CloseDescription));
        Assert.Equal(1012, await stubborn.ReadUntilCloseAsync());

        await server.WaitForExitAsync();
        Assert.Equal(0, server.ExitCode);
        Assert.True(signalled.Elapsed < drainTimeout + TimeSpan.FromSeconds(10), $"exited {signalled.Elapsed} after SIGTERM");
        Assert.Contains("Drain timed out", server.Output, StringComparison.Ordinal);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sigint_ClientsAllLeave_ExitsZeroWithoutWaitingForTheDrainTimeout()
    {
        await using var server = await SwitchboardProcess.StartAsync(["--port", "0"], new Dictionary<string, string> { ["Switchboard__DrainTimeout"] = "00:02:00" });
        var uri = new Uri($"ws://127.0.0.1:{server.Port}/ws");
        var clients = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => TestClient.ConnectAsync(uri)));

        await server.SignalAsync("INT");

        try
        {
            await Task.WhenAll(clients.Select(c => c.Closed)).DefaultTimeout();
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{clients.Count(c => !c.Closed.IsCompleted)} of {clients.Length} clients not closed 10 s after SIGINT; the server said:\n{server.Output}");
        }

        Assert.All(clients, c => Assert.Equal((WebSocketCloseStatus)1012, c.CloseStatus));
        await server.WaitForExitAsync();
        Assert.Equal(0, server.ExitCode);
        Assert.Contains("Drained: 10 clients closed", server.Output, StringComparison.Ordinal);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static async Task<string> UpgradeAnswerAsync(Uri server, string path)
    {
        await using var socket = await RawWebSocket.OpenAsync(server);
        await socket.SendRawAsync(RawWebSocket.UpgradeRequest(server, path));
        return await socket.ReadResponseHeadAsync();
    }
}
