using System.Diagnostics;
using System.Runtime.Versioning;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// deploy/systemd's units, checked by systemd itself. systemd-analyze runs here although systemd is not
/// PID 1; where it cannot, these tests fail with its reason, they are never skipped.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SystemdUnitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("switchboard-systemd-").FullName;

    [Fact]
    public async Task SystemUnit_SystemdAnalyzeVerify_AcceptsItWithoutAWord()
    {
        // verify insists that ExecStart's file exists and is executable: put one where the unit's path
        // would be, inside this test's folder, and change nothing else.
        var executable = StubExecutable(Path.Combine(_folder, "opt", "switchboard", "switchboard"));
        var unit = CopyUnit("switchboard.service", Path.Combine(_folder, "switchboard.service"), text => text.Replace("/opt/switchboard/switchboard", executable, StringComparison.Ordinal));

        var (exitCode, output) = await SystemdAnalyzeAsync(["verify", unit]);

        Assert.True(exitCode == 0 && output.Length == 0, $"systemd-analyze verify exited {exitCode}:\n{output}");
    }

    [Fact]
    public async Task SystemUnit_SystemdAnalyzeSecurity_RatesItsExposureLow()
    {
        var executable = StubExecutable(Path.Combine(_folder, "opt", "switchboard", "switchboard"));
        var unit = CopyUnit("switchboard.service", Path.Combine(_folder, "switchboard.service"), text => text.Replace("/opt/switchboard/switchboard", executable, StringComparison.Ordinal));

        // systemd's own score of the sandboxing, 0 (locked down) to 10 (none); 2.0 and below is "OK".
        var (exitCode, output) = await SystemdAnalyzeAsync(["security", "--offline=yes", "--threshold=20", unit]);

        Assert.True(exitCode == 0, $"systemd-analyze security rates the unit above 2.0 ({exitCode}):\n{output}");
    }

    [Fact]
    public async Task UserUnit_SystemdAnalyzeUserVerify_AcceptsItWithoutAWord()
    {
        // The unit runs %h/.local/bin/switchboard: give it a home of its own with the file there, and a
        // runtime directory, which the user manager needs and a test process has none of.
        var home = Path.Combine(_folder, "home");
        StubExecutable(Path.Combine(home, ".local", "bin", "switchboard"));
        var runtime = Directory.CreateDirectory(Path.Combine(_folder, "run"));
        runtime.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var unit = CopyUnit("switchboard-user.service", Path.Combine(_folder, "switchboard.service"), text => text);

        var (exitCode, output) = await SystemdAnalyzeAsync(
            ["--user", "verify", unit],
            new Dictionary<string, string> { ["HOME"] = home, ["XDG_RUNTIME_DIR"] = runtime.FullName });

        Assert.True(exitCode == 0 && output.Length == 0, $"systemd-analyze --user verify exited {exitCode}:\n{output}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string CopyUnit(string name, string destination, Func<string, string> edit)
    {
        var text = File.ReadAllText(Path.Combine(SwitchboardProcess.RepositoryRoot, "deploy", "systemd", name));
        File.WriteAllText(destination, edit(text));
        return destination;
    }

    private static string StubExecutable(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static async Task<(int ExitCode, string Output)> SystemdAnalyzeAsync(string[] arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("systemd-analyze is not installed: eng/test.sh installs Debian's systemd package.", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().DefaultTimeout();
            return (process.ExitCode, ((await errors) + (arguments.Contains("verify") ? await output : string.Empty)).Trim());
        }
    }
}
