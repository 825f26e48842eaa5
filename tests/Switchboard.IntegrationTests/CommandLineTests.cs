using System.Diagnostics;
using System.Text.RegularExpressions;
using Switchboard.Server;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary><c>switchboard</c>'s flags as an operator types them: help, version, mistakes, and which source wins.</summary>
public sealed partial class CommandLineTests
{
    [Fact]
    public async Task Help_ListsEverySettingWithItsEnvironmentVariable_ExitsZero()
    {
        var run = await SwitchboardProcess.RunAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("docs/configuration.md", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--keep-alive-interval <hh:mm:ss>", run.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"--keep-alive-interval <hh:mm:ss>.*env Switchboard__KeepAliveInterval\].*\[default: 00:00:15\]", run.StandardOutput);
        // Every option of SwitchboardOptions has a flag, so a new option without one fails here.
        // Signing keys are secrets or multi-line PEM: they come from the environment or --config, never a flag (ps shows flags).
        foreach (var variable in EnvironmentVariables(typeof(SwitchboardOptions), "Switchboard").Where(v => v != "Switchboard__Auth__Jwt__SigningKeys__0"))
        {
            Assert.Contains("env " + variable + "]", run.StandardOutput, StringComparison.Ordinal);
        }

        foreach (var flag in new[] { "--port <port>", "--urls", "--config <path>", "--tls-cert", "--tls-key", "--public-url", "--path-base", "--drain-timeout", "--known-proxies", "--metrics-urls", "--admin-token", "--log-format", "--version" })
        {
            Assert.Contains(flag, run.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_PrintsVersionAndTheCommitItWasBuiltFrom()
    {
        var run = await SwitchboardProcess.RunAsync(["--version"]);

        Assert.Equal(0, run.ExitCode);
        var match = VersionLine().Match(run.StandardOutput.Trim());
        Assert.True(match.Success, run.StandardOutput);
        Assert.Equal("commit", await GitAsync("cat-file", "-t", match.Groups["commit"].Value));
    }

    [Fact]
    public async Task UnknownFlag_PrintsOneLineNamingIt_ExitsTwo()
    {
        var run = await SwitchboardProcess.RunAsync(["--port", "0", "--kepe-alive-interval", "00:00:15"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("'--kepe-alive-interval'", line, StringComparison.Ordinal);
        Assert.Contains("did you mean --keep-alive-interval?", line, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", run.StandardOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("--port", "abc")]
    [InlineData("--port", "70000")]
    [InlineData("--keep-alive-interval", "banana")]
    [InlineData("--max-room-capacity", "many")]
    [InlineData("--direct-websockets", "maybe")]
    [InlineData("--log-format", "xml")]
    [InlineData("--public-url", "me.host")]
    [InlineData("--ice-server", "stun.example.org")]
    [InlineData("--config", "/no/such/file.json")]
    public async Task BadFlagValue_PrintsOneLineNamingFlagAndValue_ExitsTwo(string flag, string value)
    {
        var run = await SwitchboardProcess.RunAsync(["--urls", "http://127.0.0.1:0", flag, value]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(flag, line, StringComparison.Ordinal);
        Assert.Contains(value, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFile_ShapedLikeAppSettings_IsApplied()
    {
        using var file = TempJson("""{ "Switchboard": { "MaxRoomCapacity": 6, "KeepAliveInterval": "00:00:20" } }""");

        await using var host = await StartAndWaitForStartedLineAsync(["--config", file.Path]);

        Assert.Contains("MaxRoomCapacity=6,", host.Output, StringComparison.Ordinal);
        Assert.Contains("KeepAliveInterval=00:00:20,", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sources_FlagBeatsEnvironmentBeatsConfigFile()
    {
        using var file = TempJson("""{ "Switchboard": { "MaxRoomCapacity": 6, "MaxRoomsPerConnection": 6, "FramesPerTurn": 6 } }""");

        await using var host = await StartAndWaitForStartedLineAsync(
            ["--config", file.Path, "--max-room-capacity", "8"],
            new Dictionary<string, string> { ["Switchboard__MaxRoomCapacity"] = "7", ["Switchboard__MaxRoomsPerConnection"] = "7" });

        Assert.Contains("MaxRoomCapacity=8,", host.Output, StringComparison.Ordinal);
        Assert.Contains("MaxRoomsPerConnection=7,", host.Output, StringComparison.Ordinal);
        Assert.Contains("FramesPerTurn=6,", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SectionKeyFlag_SetsAnyConfigurationKey()
    {
        await using var host = await StartAndWaitForStartedLineAsync(["--Switchboard:MaxRoomCapacity", "9", "--Switchboard:FramesPerTurn=10"]);

        Assert.Contains("MaxRoomCapacity=9,", host.Output, StringComparison.Ordinal);
        Assert.Contains("FramesPerTurn=10,", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flags_RoomCapacity_ServerEnforcesIt()
    {
        await using var host = await SwitchboardProcess.StartAsync(["--urls", "http://127.0.0.1:0", "--default-room-capacity", "3"]);
        var address = new Uri($"ws://127.0.0.1:{host.Port}/ws");
        await using var a = await TestClient.ConnectAsync(address);
        await using var b = await TestClient.ConnectAsync(address);
        await using var c = await TestClient.ConnectAsync(address);

        var (room, _) = await a.CreateRoomAsync();
        await b.JoinAsync(room);
        await c.JoinAsync(room);
    }

    /// <summary>The environment variable of each settable option, nested option classes included; a list by its first entry.</summary>
    private static IEnumerable<string> EnvironmentVariables(Type options, string prefix)
    {
        foreach (var property in options.GetProperties().Where(p => p.CanWrite))
        {
            var name = prefix + "__" + property.Name;
            if (property.PropertyType == typeof(IList<IceServerOptions>))
            {
                yield return name + "__0__Urls__0";
            }
            else if (property.PropertyType == typeof(IList<string>))
            {
                yield return name + "__0";
            }
            else if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
            {
                foreach (var nested in EnvironmentVariables(property.PropertyType, name))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return name;
            }
        }
    }

    internal static async Task<SwitchboardProcess> StartAndWaitForStartedLineAsync(IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var host = await SwitchboardProcess.StartAsync(["--urls", "http://127.0.0.1:0", .. arguments], environment);
        await Retry.UntilAsync("the Started line is printed", () => host.Output.Contains(") started; endpoints", StringComparison.Ordinal));
        return host;
    }

    internal static TempFile TempJson(string json)
    {
        var file = new TempFile(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"switchboard-{Guid.NewGuid():N}.json"));
        File.WriteAllText(file.Path, json);
        return file;
    }

    private static async Task<string> GitAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = SwitchboardProcess.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        var output = await git.StandardOutput.ReadToEndAsync().DefaultTimeout();
        await git.WaitForExitAsync().DefaultTimeout();
        return output.Trim();
    }

    [GeneratedRegex(@"^switchboard \d+\.\d+\.\d+\S* \(commit (?<commit>[0-9a-f]{40})\)$")]
    private static partial Regex VersionLine();

    internal sealed record TempFile(string Path) : IDisposable
    {
        public void Dispose() => File.Delete(Path);
    }
}
