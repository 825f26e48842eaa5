using System.Diagnostics;

namespace Switchboard.Testing;

public sealed partial class SwitchboardProcess
{
    /// <summary>
    /// Runs the built host with <paramref name="arguments"/> until it exits by itself (<c>--help</c>,
    /// <c>--version</c>, a mistake), and returns its exit code with stdout and stderr kept apart.
    /// </summary>
    public static async Task<SwitchboardRun> RunAsync(IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(RepositoryRoot, "src", "Switchboard.Host", "bin", Configuration, "net10.0", "switchboard.dll");
        using var process = new Process { StartInfo = Prepare(["exec", dll, .. arguments], environment) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("switchboard did not exit by itself within 60 s:\n" + await stdout + await stderr);
        }

        return new SwitchboardRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs a shell script as if it were the server, so a test can check how this class reads a log
    /// (e.g. that an Error entry fails the test) without making the real server misbehave.
    /// </summary>
    public static Task<SwitchboardProcess> StartScriptAsync(string script)
    {
        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return StartAsync(start, waitForPort: false);
    }
}
