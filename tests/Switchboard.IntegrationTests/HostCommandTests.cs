using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>The README's run command, as an operator types it.</summary>
public sealed class HostCommandTests
{
    [Fact]
    public async Task DotnetRun_PortZero_PrintsBoundPortAndServesPageAndSignaling()
    {
        await using var host = await SwitchboardProcess.StartWithDotnetRunAsync(["--port", "0"]);

        Assert.InRange(host.Port, 1, 65535);
        await Retry.UntilAsync("the URL to open is printed", () => host.Output.Contains($"Open http://localhost:{host.Port}/", StringComparison.Ordinal));
        using var http = new HttpClient();
        var page = await http.GetStringAsync(host.HttpAddress).DefaultTimeout();
        Assert.Contains("Switchboard", page, StringComparison.Ordinal);
        await using var client = await TestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/"));
        await client.CreateRoomAsync();
    }

    [Fact]
    public async Task Host_PortEnvironmentVariable_ListensThere()
    {
        var port = FreePort();
        await using var host = await SwitchboardProcess.StartAsync([], new Dictionary<string, string> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(port, host.Port);
    }

    [Fact]
    public async Task Host_UrlsArgument_WinsOverPort()
    {
        var port = FreePort();
        await using var host = await SwitchboardProcess.StartAsync(["--urls", $"http://127.0.0.1:{port}", "--port", "1"]);

        Assert.Equal(port, host.Port);
    }

    [Fact]
    public async Task Host_InvalidConfiguration_StopsWithClearMessage()
    {
        await using var host = await SwitchboardProcess.StartAsync(
            ["--port", "0"],
            new Dictionary<string, string> { ["Switchboard__DefaultRoomCapacity"] = "1" },
            waitForPort: false);

        await host.WaitForExitAsync();

        Assert.Equal(2, host.ExitCode);
        Assert.Contains("Switchboard:DefaultRoomCapacity must be between 2", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_LogsAnError_DisposeFailsWithTheEntry()
    {
        // The real server no longer logs an error for anything a test can provoke from outside (a port in
        // use is one line on stderr now), so a script prints what the console logger prints for one.
        var host = await SwitchboardProcess.StartScriptAsync(
            "echo 'fail: Microsoft.Extensions.Hosting.Internal.Host[11]'; echo '      Hosting failed to start'; echo '      System.IO.IOException: address already in use'; echo 'info: next'");

        await host.WaitForExitAsync();

        var entry = Assert.Single(host.ErrorLogs);
        Assert.StartsWith("fail: Microsoft.Extensions.Hosting.Internal.Host", entry, StringComparison.Ordinal);
        Assert.Contains("address already in use", entry, StringComparison.Ordinal);
        var failure = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => host.DisposeAsync().AsTask()).DefaultTimeout();
        Assert.Contains("Hosting failed to start", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_LogsAnErrorAsJson_DisposeFailsWithTheEntry()
    {
        var host = await SwitchboardProcess.StartScriptAsync(
            "echo '{\"EventId\":8,\"LogLevel\":\"Error\",\"Category\":\"Switchboard.Server\",\"Message\":\"handling a message failed\"}'");

        await host.WaitForExitAsync();

        Assert.Contains("handling a message failed", Assert.Single(host.ErrorLogs), StringComparison.Ordinal);
        await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => host.DisposeAsync().AsTask()).DefaultTimeout();
    }

    [Fact]
    public async Task Host_ErrorLogsAllowed_DisposeDoesNotFail()
    {
        await using var host = await SwitchboardProcess.StartScriptAsync("echo 'fail: Switchboard.Server[8]'; echo '      on purpose'");
        host.ErrorLogsAllowed = true;

        await host.WaitForExitAsync();

        Assert.NotEmpty(host.ErrorLogs);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
