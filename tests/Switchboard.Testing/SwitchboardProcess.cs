using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Switchboard.Testing;

/// <summary>
/// The real <c>switchboard</c> host as a separate process, started the way the README says, for tests of
/// the command line and for browser tests that stop and restart the server. Disposing it fails the test
/// if the process printed an Error or Critical log entry, unless the test set <see cref="ErrorLogsAllowed"/>.
/// </summary>
public sealed partial class SwitchboardProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];
    private readonly List<string> _errorLogs = [];
    private bool _inErrorLog;

    private SwitchboardProcess(Process process)
    {
        _process = process;
    }

    public int Port => _port.Task.IsCompletedSuccessfully ? _port.Task.Result : throw new InvalidOperationException("The server has not reported its port.");

    public Uri HttpAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>
    /// Each Error or Critical entry the console logger printed so far: its <c>fail:</c> or <c>crit:</c>
    /// line with the indented message and exception lines that follow it.
    /// </summary>
    public IReadOnlyList<string> ErrorLogs
    {
        get
        {
            lock (_output)
            {
                return [.. _errorLogs];
            }
        }
    }

    /// <summary>Set by a test that makes the server log an error on purpose, so disposing does not fail it.</summary>
    public bool ErrorLogsAllowed { get; set; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The server's process id: with <c>dotnet exec</c> the server runs in this very process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The server's resident memory (VmRSS in /proc/PID/status), in kB. Linux only.</summary>
    public long ReadResidentKilobytes() => ReadStatusKilobytes("VmRSS");

    /// <summary>
    /// One kB figure from /proc/PID/status: VmRSS (resident), VmData (private writable mappings, which is
    /// what the GC has committed plus native heaps and stacks, touched or not), VmHWM (peak resident).
    /// </summary>
    public long ReadStatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var value = line[(field.Length + 1)..].Trim();
                return long.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"No {field} in /proc/{_process.Id}/status.");
    }

    /// <summary>The repository root (where Switchboard.slnx is), found from the test's own folder.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchboard.slnx")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("Switchboard.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The build configuration the tests run in (Debug or Release), which the host was built in too.</summary>
    private static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>Runs the built host (<c>dotnet switchboard.dll ARGS</c>) and waits for its port line.</summary>
    public static Task<SwitchboardProcess> StartAsync(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, bool waitForPort = true)
    {
        var dll = Path.Combine(RepositoryRoot, "src", "Switchboard.Host", "bin", Configuration, "net10.0", "switchboard.dll");
        return StartAsync(Prepare(["exec", dll, .. arguments], environment), waitForPort);
    }

    /// <summary>
    /// Runs the README's command, <c>dotnet run --project src/Switchboard.Host -- ARGS</c>, from the
    /// repository root (with <c>--no-build</c>: the test run has built it already).
    /// </summary>
    public static Task<SwitchboardProcess> StartWithDotnetRunAsync(IEnumerable<string> arguments, IDictionary<string, string>? environment = null) =>
        StartAsync(Prepare(["run", "--project", "src/Switchboard.Host", "--no-build", "-c", Configuration, "--", .. arguments], environment), waitForPort: true);

    /// <summary>
    /// Runs a given executable (a published <c>switchboard</c>) with <paramref name="workingDirectory"/>
    /// as its current directory, as an operator starts the copied file, and waits for its port line.
    /// </summary>
    public static Task<SwitchboardProcess> StartExecutableAsync(string executable, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string>? environment = null)
    {
        var start = Prepare(arguments, environment);
        start.FileName = executable;
        start.WorkingDirectory = workingDirectory;
        return StartAsync(start, waitForPort: true);
    }

    private static ProcessStartInfo Prepare(IEnumerable<string> arguments, IDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("PORT");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static async Task<SwitchboardProcess> StartAsync(ProcessStartInfo start, bool waitForPort)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new SwitchboardProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server._port.TrySetException(new InvalidOperationException("The server exited before it listened:\n" + server.Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitForPort)
        {
            await server._port.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        return server;
    }

    /// <summary>Waits for the process to exit by itself (e.g. after a configuration error).</summary>
    public Task WaitForExitAsync() => _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Sends the process a signal (TERM, INT, KILL) without waiting for what it does.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Stops the server as an operator would (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                // "dotnet run" does not always pass the signal on to the app: take the whole tree down.
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        var errors = ErrorLogs;
        if (errors.Count > 0 && !ErrorLogsAllowed)
        {
            throw new Xunit.Sdk.XunitException(
                $"The switchboard process logged {errors.Count} Error or Critical entr{(errors.Count == 1 ? "y" : "ies")}:\n" + string.Join("\n---\n", errors));
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
            // The console logger's entries are a "level: category[id]" line, then the message and any
            // exception indented below it; an entry ends at the next line that is not indented.
            if (ErrorLogLine().IsMatch(line))
            {
                _errorLogs.Add(line);
                _inErrorLog = true;
            }
            else if (_inErrorLog && line.StartsWith(' '))
            {
                _errorLogs[^1] += "\n" + line;
            }
            else
            {
                _inErrorLog = false;
            }
        }

        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _port.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"Server is listening on port (\d+)")]
    private static partial Regex ListeningLine();

    // Colour codes may precede the level when the console logger thinks it writes to a terminal; with
    // --log-format json each entry is one line that names its level, with systemd a syslog priority (<3> error, <2> critical).
    [GeneratedRegex(@"^(\x1B\[[0-9;]*m)*(fail|crit)(\x1B\[[0-9;]*m)*: |^\{.*""LogLevel"":""(Error|Critical)""|^<[0-3]>")]
    private static partial Regex ErrorLogLine();
}
