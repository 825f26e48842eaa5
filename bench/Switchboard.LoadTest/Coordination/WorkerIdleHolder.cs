using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Switchboard.LoadTest.Options;
using Switchboard.LoadTest.Results;
using Switchboard.LoadTest.Scenarios;

namespace Switchboard.LoadTest.Coordination;

/// <summary>
/// A share of the idle connections held by a worker process (this same program, <c>worker</c> command):
/// one process may not open more than 20 000 files here. It talks JSON lines on stdout and takes
/// <c>stop</c> on stdin; if this process dies, the worker sees its stdin close and stops too.
/// </summary>
internal sealed class WorkerIdleHolder : IIdleHolder
{
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IdleReport> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private readonly Task _forwardingErrors;
    private IdleStatus _status = new(0, 0, 0, 0, Connected: false);

    private WorkerIdleHolder(Process process, int index)
    {
        _process = process;
        _reading = ReadAsync();
        _forwardingErrors = ForwardErrorsAsync(index);
    }

    public IdleStatus Status => Volatile.Read(ref _status);

    public static WorkerIdleHolder Start(RunOptions run, int connections, int index, TimeSpan hardStop)
    {
        var start = SelfStartInfo();
        foreach (var argument in WorkerArguments(run, connections, hardStop))
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a worker process");
        return new WorkerIdleHolder(process, index);
    }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAny(_connected.Task, _done.Task, _reading).WaitAsync(cancellationToken);
        if (!_connected.Task.IsCompleted)
        {
            throw new InvalidOperationException($"worker {_process.Id} ended before connecting");
        }
    }

    public async Task<IdleReport> StopAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("stop");
            await _process.StandardInput.FlushAsync();
        }
        catch (IOException)
        {
            // The worker is already gone; its report (if any) has been read.
        }

        try
        {
            return await _done.Task.WaitAsync(_stopTimeout);
        }
        catch (TimeoutException)
        {
            Kill();
            var status = Status;
            return new IdleReport(status.Opened, status.Failed, status.Open, status.Lost, 0, null, ["a worker did not report in time and was killed"]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.WhenAll(_reading, _forwardingErrors).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            WorkerMessage? message;
            try
            {
                message = JsonSerializer.Deserialize(line, WorkerJsonContext.Default.WorkerMessage);
            }
            catch (JsonException)
            {
                continue;
            }

            if (message?.Status is { } status)
            {
                Volatile.Write(ref _status, status);
            }

            switch (message?.Kind)
            {
                case WorkerMessageKind.Connected:
                    _connected.TrySetResult();
                    break;
                case WorkerMessageKind.Done when message.Report is { } report:
                    _done.TrySetResult(report);
                    break;
                case WorkerMessageKind.Failed:
                    _done.TrySetException(new InvalidOperationException($"worker failed: {message.Error}"));
                    break;
            }
        }

        _done.TrySetException(new InvalidOperationException($"worker {_process.Id} exited without a report"));
    }

    private async Task ForwardErrorsAsync(int index)
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            await Console.Error.WriteLineAsync($"[worker {index}] {line}");
        }
    }

    private static ProcessStartInfo SelfStartInfo()
    {
        // Run as "dotnet switchboard-loadtest.dll" or as the apphost, whichever started this process.
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(WorkerIdleHolder).Assembly.Location);
        }

        return start;
    }

    private static IEnumerable<string> WorkerArguments(RunOptions run, int connections, TimeSpan hardStop)
    {
        static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
        yield return "worker";
        yield return "--server";
        yield return run.Server.ToString().ToLowerInvariant();
        yield return "--target";
        yield return run.Target.ToString();
        yield return "--connections";
        yield return Number(connections);
        yield return "--source-addresses";
        yield return Number(run.Connector.SourceAddresses);
        yield return "--connect-concurrency";
        yield return Number(run.Connector.ConnectConcurrency);
        yield return "--hard-stop";
        yield return $"{Number(Math.Ceiling(hardStop.TotalSeconds))}s";
    }
}
