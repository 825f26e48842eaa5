using System.Diagnostics;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// The binary operators get: <c>eng/publish.sh linux-x64</c> run once per test run, in its default
/// format (Native AOT) and as a single-file build (<c>--format single-file</c>), into a folder of the test's own. Publishing takes minutes on this machine, so every test
/// that needs the published file shares this one (the "Published binary" collection).
/// </summary>
public sealed class PublishedBinary : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "switchboard-publish-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The published <c>switchboard</c> executable.</summary>
    public string Executable => Path.Combine(_folder, "linux-x64", "switchboard");

    /// <summary>The same, published with <c>--format single-file</c> (the JIT runtime bundled into the one file).</summary>
    public string SingleFileExecutable => Path.Combine(_folder, "single-file", "linux-x64", "switchboard");

    /// <summary>The executable of <paramref name="format"/>: <c>aot</c> (the default) or <c>single-file</c>.</summary>
    public string ExecutableOf(string format) => format == "single-file" ? SingleFileExecutable : Executable;

    /// <summary>A fresh empty folder, removed with the fixture, for a test to copy files into or run from.</summary>
    public string NewFolder(string name)
    {
        var folder = Path.Combine(_folder, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public async Task InitializeAsync()
    {
        await PublishAsync(_folder, []);
        await PublishAsync(Path.Combine(_folder, "single-file"), ["--format", "single-file"]);
    }

    private static async Task PublishAsync(string folder, string[] options)
    {
        var executable = Path.Combine(folder, "linux-x64", "switchboard");
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = SwitchboardProcess.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["eng/publish.sh", .. options, "--out", folder, "linux-x64"])
        {
            start.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(start)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        try
        {
            await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(15));
        }
        catch (TimeoutException)
        {
            publish.Kill(entireProcessTree: true);
            throw;
        }

        if (publish.ExitCode != 0 || !File.Exists(executable))
        {
            throw new InvalidOperationException($"eng/publish.sh {string.Join(' ', options)} linux-x64 failed ({publish.ExitCode}):\n{await output}\n{await errors}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
