using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// The shared host of the tutorial: the published binary beside deploy/supervisord.conf in a folder of
/// its own, run by the real supervisord (Debian's <c>supervisor</c>) in the foreground.
/// </summary>
[Collection(PublishedBinaryCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class SupervisordTests(PublishedBinary published)
{
    [Fact]
    public async Task Supervisord_ServerKilledWithSigkill_IsBackAndServingWithinFiveSeconds()
    {
        var folder = published.NewFolder("supervised");
        File.Copy(published.Executable, Path.Combine(folder, "switchboard"));
        File.SetUnixFileMode(Path.Combine(folder, "switchboard"), File.GetUnixFileMode(published.Executable));
        var port = FreePort();
        // The only line an operator edits: the port the host assigned.
        var template = File.ReadAllText(Path.Combine(SwitchboardProcess.RepositoryRoot, "deploy", "supervisord.conf"));
        Assert.Contains("--port 61000", template, StringComparison.Ordinal);
        var config = Path.Combine(folder, "supervisord.conf");
        File.WriteAllText(config, template.Replace("--port 61000", $"--port {port}", StringComparison.Ordinal));

        using var supervisord = StartSupervisord(config);
        try
        {
            await WaitUntilServingAsync(port, TestTimeouts.Default);
            var first = await ServerPidAsync(config);

            var killed = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-KILL", first.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().DefaultTimeout();
            }

            await Retry.UntilAsync("the killed server is gone", () => !Directory.Exists($"/proc/{first}"), TimeSpan.FromSeconds(5));
            await WaitUntilServingAsync(port, TimeSpan.FromSeconds(5) - killed.Elapsed);
            killed.Stop();

            Assert.NotEqual(first, await ServerPidAsync(config));
            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(5), $"serving again after {killed.Elapsed}");
            await PublishTests.TutorialFlowAsync(port);
        }
        finally
        {
            await StopAsync(supervisord);
        }

        var log = File.ReadAllLines(Path.Combine(folder, "switchboard.log"));
        Assert.DoesNotContain(log, line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal));
        Assert.Equal(2, log.Count(line => line.Contains("Server is listening on port", StringComparison.Ordinal)));
    }

    private static Process StartSupervisord(string config)
    {
        var start = new ProcessStartInfo("supervisord")
        {
            WorkingDirectory = Path.GetDirectoryName(config)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(config);
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("PORT");
        try
        {
            var process = Process.Start(start)!;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("supervisord is not installed: eng/test.sh installs Debian's supervisor package.", e);
        }
    }

    /// <summary>Stops supervisord as its operator would (SIGTERM), which stops the server with its own stopsignal first.</summary>
    private static async Task StopAsync(Process supervisord)
    {
        if (supervisord.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", supervisord.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        try
        {
            await supervisord.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            supervisord.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task<int> ServerPidAsync(string config)
    {
        var start = new ProcessStartInfo("supervisorctl") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", config, "pid", "switchboard" })
        {
            start.ArgumentList.Add(argument);
        }

        using var supervisorctl = Process.Start(start)!;
        var output = await supervisorctl.StandardOutput.ReadToEndAsync().DefaultTimeout();
        await supervisorctl.WaitForExitAsync().DefaultTimeout();
        return int.TryParse(output.Trim(), out var pid) && pid > 0
            ? pid
            : throw new InvalidOperationException($"supervisorctl pid switchboard said '{output.Trim()}'.");
    }

    /// <summary>Polls until the server says it is ready (/readyz), or fails after <paramref name="timeout"/>.</summary>
    private static async Task WaitUntilServingAsync(int port, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening (yet): supervisord is still starting it.
            }
            catch (TaskCanceledException)
            {
                // The one-second request timeout.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Nothing answered http://127.0.0.1:{port}/readyz within {timeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
