using System.Globalization;
using Microsoft.AspNetCore.Connections;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// One port, one server: a second server on a port in use fails to start instead of sharing it (which
/// would split clients, and so rooms, between two processes), yet a restart right after a stop succeeds.
/// </summary>
public sealed class ListenTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task Start_PortOfRunningServer_FailsWithAddressInUse(bool firstDirect, bool secondDirect)
    {
        await using var first = await TestServer.StartAsync(o => o.DirectWebSockets = firstDirect);

        var error = await Assert.ThrowsAnyAsync<Exception>(
            () => TestServer.StartAsync(o => o.DirectWebSockets = secondDirect, first.HttpAddress.Port));

        Assert.Contains("address already in use", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.IsType<AddressInUseException>(error.InnerException);
        await using var client = await first.ConnectAsync();
        await client.CreateRoomAsync();
    }

    [Fact]
    public async Task Host_PortOfRunningHost_ExitsNonZeroSayingAddressInUse()
    {
        await using var first = await SwitchboardProcess.StartAsync(["--port", "0"]);

        await using var second = await SwitchboardProcess.StartAsync(
            ["--port", first.Port.ToString(CultureInfo.InvariantCulture)], waitForPort: false);
        await second.WaitForExitAsync();

        Assert.Equal(2, second.ExitCode);
        Assert.Contains("address already in use", second.Output, StringComparison.OrdinalIgnoreCase);
        await using var client = await TestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{first.Port}/ws"));
        await client.CreateRoomAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Start_RightAfterStopWithOpenConnections_RebindsThePort(bool direct)
    {
        int port;
        await using (var previous = await TestServer.StartAsync(o => o.DirectWebSockets = direct))
        {
            port = previous.HttpAddress.Port;
            await using var a = await previous.ConnectAsync();
            await using var b = await previous.ConnectAsync();
            var (room, _) = await a.CreateRoomAsync();
            await b.JoinAsync(room);

            // The server closes these connections on shutdown, so their ends on its port wait in TIME_WAIT.
            await previous.StopAsync();
            await a.Closed.DefaultTimeout();
            await b.Closed.DefaultTimeout();
        }

        await Retry.UntilAsync("a connection on the old port is in TIME_WAIT", () => TimeWaitOnLocalPort(port));

        await using var restarted = await TestServer.StartAsync(o => o.DirectWebSockets = direct, port);
        await using var client = await restarted.ConnectAsync();
        await client.CreateRoomAsync();
    }

    /// <summary>True when the kernel lists a TCP connection in TIME_WAIT whose local port is <paramref name="port"/>.</summary>
    private static bool TimeWaitOnLocalPort(int port)
    {
        // /proc/net/tcp: "sl local_address rem_address st ...", addresses as HEXIP:HEXPORT, state 06 is TIME_WAIT.
        var localPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .Where(File.Exists)
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => fields.Length > 3 && fields[1].EndsWith(localPort, StringComparison.Ordinal) && fields[3] == "06");
    }
}
