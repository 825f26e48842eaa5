using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>The shipped host with <c>Switchboard:Turn</c> set: what it says at start, and what it refuses to start with.</summary>
public sealed class TurnStartupTests
{
    private const string Secret = "turn-secret-never-printed-0123456789";

    [Fact]
    public async Task TurnFlagsAndSecretInEnvironment_StartedLineNamesUrlsAndTtl_NeverTheSecret()
    {
        // All interfaces, where a missing STUN/TURN server is warned about; Debug so every log event is seen.
        await using var host = await SwitchboardProcess.StartAsync(
            ["--port", "0", "--Logging:LogLevel:Default", "Debug", "--turn-urls", "turn:turn.example.org:3478,turns:turn.example.org:5349", "--turn-ttl", "00:30:00"],
            new Dictionary<string, string> { ["Switchboard__Turn__Secret"] = Secret });
        await Retry.UntilAsync("the Started line is printed", () => host.Output.Contains(") started; endpoints", StringComparison.Ordinal));

        Assert.Contains("Turn=turn:turn.example.org:3478 turns:turn.example.org:5349 (credentials for 00:30:00)", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("No STUN or TURN server is configured", host.Output, StringComparison.Ordinal);

        // A session that is handed credentials, logged at Debug: neither the secret nor a credential shows.
        string credential;
        await using (var client = await TestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/ws")))
        {
            await client.SendAsync(new { type = "createRoom" });
            var created = await client.ExpectAsync("roomCreated");
            credential = (string)created["iceServers"]![0]!["credential"]!;
            Assert.Equal(1_800_000, (long)created["iceServersTtlMs"]!);
            await client.CloseAsync();
        }

        await Retry.UntilAsync("the peer's disconnect is logged", () => host.Output.Contains("disconnected", StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(credential, host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TurnSecretTooShort_PrintsTheRule_ExitsTwo()
    {
        var run = await SwitchboardProcess.RunAsync(
            ["--port", "0"],
            new Dictionary<string, string>
            {
                ["Switchboard__Turn__Secret"] = "s3cr3t-x",
                ["Switchboard__Turn__Urls__0"] = "turn:turn.example.org:3478",
            });

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("Switchboard:Turn:Secret must be at least 16 characters", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-x", run.StandardOutput + run.StandardError, StringComparison.Ordinal);
    }
}
