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

        Assert.NotEqual(0, host.ExitCode);
        Assert.Contains("Switchboard:DefaultRoomCapacity must be between 2", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_LogsAnError_DisposeFailsWithTheEntry()
    {
        using var occupied = Occupy(out var port);
        var host = await StartOnAsync(port);

        await host.WaitForExitAsync();

        var entry = Assert.Single(host.ErrorLogs);
        Assert.StartsWith("fail: Microsoft.Extensions.Hosting.Internal.Host", entry, StringComparison.Ordinal);
        Assert.Contains("address already in use", entry, StringComparison.Ordinal);
        var failure = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => host.DisposeAsync().AsTask()).DefaultTimeout();
        Assert.Contains("Hosting failed to start", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_ErrorLogsAllowed_DisposeDoesNotFail()
    {
        using var occupied = Occupy(out var port);
        await using var host = await StartOnAsync(port);
        host.ErrorLogsAllowed = true;

        await host.WaitForExitAsync();

        Assert.NotEmpty(host.ErrorLogs);
    }

    /// <summary>A port something else listens on, so the host cannot bind it and logs why.</summary>
    private static System.Net.Sockets.TcpListener Occupy(out int port)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        listener.Start();
        port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    private static Task<SwitchboardProcess> StartOnAsync(int port) =>
        SwitchboardProcess.StartAsync(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], waitForPort: false);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
