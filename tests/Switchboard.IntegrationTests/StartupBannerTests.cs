using System.Text.Json;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>What the server says when it has started: where to go, what runs, and what will not work.</summary>
public sealed class StartupBannerTests
{
    private const string NoIceServersWarning = "No STUN or TURN server is configured";

    [Fact]
    public async Task AllInterfaces_EveryPrintedAddressServesThePage()
    {
        await using var host = await SwitchboardProcess.StartAsync(["--port", "0"]);
        await Retry.UntilAsync("the Started line is printed", () => host.Output.Contains(") started; endpoints", StringComparison.Ordinal));

        var pages = host.Output.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("Open ", StringComparison.Ordinal))
            .Select(line => new Uri(line.Split(' ')[1]))
            .ToList();

        Assert.Contains(new Uri($"http://localhost:{host.Port}/"), pages);
        Assert.DoesNotContain(pages, page => page.Host is "[::]" or "0.0.0.0");
        using var http = new HttpClient();
        foreach (var page in pages)
        {
            Assert.Contains("Switchboard", await http.GetStringAsync(page).DefaultTimeout(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PublicUrl_IsTheOneAddressPrinted_WithWssSignaling()
    {
        await using var host = await CommandLineTests.StartAndWaitForStartedLineAsync(["--public-url", "https://me.example.org/switchboard/"]);

        var open = Assert.Single(host.Output.Split('\n'), line => line.Contains("Open ", StringComparison.Ordinal));
        Assert.Contains("Open https://me.example.org/switchboard/ in a browser", open, StringComparison.Ordinal);
        Assert.Contains("wss://me.example.org/switchboard/ws", open, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsEndpoint_PrintsHttpsPageAndWssSignaling()
    {
        using var certificate = SelfSignedPem.Create();

        await using var host = await SwitchboardProcess.StartAsync(
            ["--urls", "https://127.0.0.1:0", "--tls-cert", certificate.CertificatePath, "--tls-key", certificate.KeyPath]);

        await Retry.UntilAsync("the https address is printed", () => host.Output.Contains($"Open https://localhost:{host.Port}/ in a browser", StringComparison.Ordinal));
        Assert.Contains($"wss://localhost:{host.Port}/ws", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"http://localhost:{host.Port}/", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsCertificateWithOnlyHttpUrls_WarnsThatNothingServesHttps()
    {
        using var certificate = SelfSignedPem.Create();

        await using var host = await SwitchboardProcess.StartAsync(
            ["--urls", "http://127.0.0.1:0", "--tls-cert", certificate.CertificatePath, "--tls-key", certificate.KeyPath]);

        await Retry.UntilAsync("the warning is printed", () => host.Output.Contains("no endpoint serves https", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllInterfacesWithoutIceServers_WarnsThatCallsAcrossTheInternetFail()
    {
        await using var host = await SwitchboardProcess.StartAsync(["--port", "0"]);

        await Retry.UntilAsync("the warning is printed", () => host.Output.Contains(NoIceServersWarning, StringComparison.Ordinal));
        Assert.Contains("warn: Switchboard.Host.StartupBanner[4]", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopbackOnly_NoIceServerWarning()
    {
        await using var host = await CommandLineTests.StartAndWaitForStartedLineAsync([]);

        Assert.DoesNotContain(NoIceServersWarning, host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllInterfacesWithIceServer_NoIceServerWarning()
    {
        await using var host = await SwitchboardProcess.StartAsync(["--port", "0", "--ice-server", "stun:stun.example.org:3478"]);
        await Retry.UntilAsync("the Started line is printed", () => host.Output.Contains(") started; endpoints", StringComparison.Ordinal));

        Assert.DoesNotContain(NoIceServersWarning, host.Output, StringComparison.Ordinal);
        Assert.Contains("IceServers=stun:stun.example.org:3478", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartedLine_HasVersionEndpointsTransportAndLimits()
    {
        await using var host = await CommandLineTests.StartAndWaitForStartedLineAsync(["--direct-websockets", "false"]);

        var line = Assert.Single(host.Output.Split('\n'), l => l.Contains(") started; endpoints", StringComparison.Ordinal));
        Assert.Matches(@"Switchboard \d+\.\d+\.\d+\S* \(commit [0-9a-f]{40}\) started; endpoints http://127\.0\.0\.1:\d+; transport pipeline", line);
        Assert.Contains("MaxMessageSize=65536", line, StringComparison.Ordinal);
        Assert.Contains("KeepAliveInterval=00:00:15", line, StringComparison.Ordinal);
        // The total the open-file limit left, not the 0 that asks for it to be derived.
        Assert.Matches(@"MaxConnections=[1-9]\d*", line);
        Assert.Contains("MessageLimits:MessagesPerSecond=50, MessageLimits:MessageBurst=600", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_NeverPrinted()
    {
        const string Token = "adm1n-t0ken-never-printed";
        const string Credential = "turn-credential-never-printed";
        await using var host = await CommandLineTests.StartAndWaitForStartedLineAsync(
            ["--admin-token", Token, "--log-format", "json"],
            new Dictionary<string, string>
            {
                ["Switchboard__IceServers__0__Urls__0"] = "turn:turn.example.org:3478",
                ["Switchboard__IceServers__0__Username"] = "user",
                ["Switchboard__IceServers__0__Credential"] = Credential,
            });

        Assert.Contains("Admin=on (token set)", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Credential, host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonLogFormat_EveryLineIsOneJsonObject()
    {
        await using var host = await CommandLineTests.StartAndWaitForStartedLineAsync(["--log-format", "json"]);

        var lines = host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
        }

        Assert.Contains(lines, line => line.Contains("\"Transport\":", StringComparison.Ordinal) && line.Contains("\"Limits\":", StringComparison.Ordinal));
    }
}
