using System.Globalization;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>Configuration mistakes that only show when the server starts: one line on stderr, exit 2, no stack trace.</summary>
public sealed class StartupErrorTests
{
    [Fact]
    public async Task BadEnvironmentValue_PrintsOneLineNamingTheSetting_ExitsTwo()
    {
        var run = await SwitchboardProcess.RunAsync(["--port", "0"], new Dictionary<string, string> { ["Switchboard__KeepAliveInterval"] = "banana" });

        AssertOneLineFailure(run, "Switchboard:KeepAliveInterval");
        Assert.Contains("banana", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidationFailure_PrintsTheRule_ExitsTwo()
    {
        var run = await SwitchboardProcess.RunAsync(["--port", "0", "--max-message-size", "100"]);

        AssertOneLineFailure(run, "Switchboard:MaxMessageSize must be between 512 and 16777216 bytes (was 100)");
    }

    [Fact]
    public async Task ConfigFileNotJson_PrintsOneLineNamingTheFile_ExitsTwo()
    {
        using var file = CommandLineTests.TempJson("{ \"Switchboard\": { ");

        var run = await SwitchboardProcess.RunAsync(["--port", "0", "--config", file.Path]);

        AssertOneLineFailure(run, file.Path);
    }

    [Fact]
    public async Task BadPortEnvironmentVariable_PrintsOneLine_ExitsTwo()
    {
        var run = await SwitchboardProcess.RunAsync([], new Dictionary<string, string> { ["PORT"] = "eighty" });

        AssertOneLineFailure(run, "eighty");
    }

    [Fact]
    public async Task CertificateThatCannotBeLoaded_PrintsOneLine_ExitsTwo()
    {
        using var certificate = SelfSignedPem.Create();
        File.WriteAllText(certificate.CertificatePath, "not a certificate");

        var run = await SwitchboardProcess.RunAsync(
            ["--urls", "https://127.0.0.1:0", "--tls-cert", certificate.CertificatePath, "--tls-key", certificate.KeyPath]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("switchboard: ", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardOutput + run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortInUse_SaysAddressInUseWithHintAboutPort_ExitsTwo()
    {
        using var occupied = new System.Net.Sockets.TcpListener(System.Net.IPAddress.IPv6Any, 0);
        occupied.Server.DualMode = true;
        occupied.Start();
        var port = ((System.Net.IPEndPoint)occupied.LocalEndpoint).Port;

        var run = await SwitchboardProcess.RunAsync(["--port", port.ToString(CultureInfo.InvariantCulture)]);

        AssertOneLineFailure(run, "address already in use");
        Assert.Contains("--port", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(port.ToString(CultureInfo.InvariantCulture), run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImplausibleDuration_WarnsWhatItMeansAndTheFormat()
    {
        await using var host = await CommandLineTests.StartAndWaitForStartedLineAsync([], new Dictionary<string, string> { ["Switchboard__KeepAliveInterval"] = "15" });

        Assert.Contains("warn: Switchboard.Host.StartupBanner", host.Output, StringComparison.Ordinal);
        Assert.Contains("Switchboard:KeepAliveInterval is 15.00:00:00, which means 15 days", host.Output, StringComparison.Ordinal);
        Assert.Contains("15 seconds is 00:00:15", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlausibleDefaults_NoImplausibleValueWarning()
    {
        await using var host = await CommandLineTests.StartAndWaitForStartedLineAsync([]);

        Assert.DoesNotContain("which means", host.Output, StringComparison.Ordinal);
    }

    private static void AssertOneLineFailure(SwitchboardRun run, string expected)
    {
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("switchboard: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardOutput + run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("crit:", run.StandardOutput, StringComparison.Ordinal);
    }
}
