using System.CommandLine;
using System.Text.Json;
using Switchboard.LoadTest.Coordination;
using Switchboard.LoadTest.Results;
using Switchboard.LoadTest.Scenarios;

namespace Switchboard.LoadTest.Cli;

/// <summary>
/// The hidden <c>worker</c> command: holds a share of idle connections for a coordinating process (see
/// <see cref="WorkerIdleHolder"/>). It reports on stdout, and stops on <c>stop</c> or when stdin closes,
/// which is also what happens when the coordinator dies.
/// </summary>
internal static class WorkerCommand
{
    private static readonly TimeSpan _statusPeriod = TimeSpan.FromMilliseconds(500);
    private static readonly Lock _outputLock = new();

    public static Command Create(CommonOptions common)
    {
        var connections = OptionFactory.Count("--connections", "Idle connections this worker holds", 2, 2, 18_000);
        var command = new Command("worker", "Holds idle connections for a coordinating load process") { connections };
        command.Hidden = true;
        command.SetAction(async (result, cancellationToken) =>
        {
            var run = common.Read(result);
            run.Progress = false;
            HardStop.Arm(result.GetValue(common.HardStop) ?? TimeSpan.FromMinutes(30));
            using var context = new ScenarioContext(run, cancellationToken);
            await using var holder = new LocalIdleHolder(context, result.GetValue(connections));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reporting = ReportStatusAsync(holder, stop.Token);
            try
            {
                await holder.ConnectAsync(cancellationToken);
                Write(new WorkerMessage(WorkerMessageKind.Connected, holder.Status));
                await WaitForStopAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Write(new WorkerMessage(WorkerMessageKind.Failed, holder.Status, Error: ex.Message));
                return 1;
            }
            catch (OperationCanceledException)
            {
                // Stopped by a signal: report what there is.
            }
            finally
            {
                await stop.CancelAsync();
                await reporting;
            }

            Write(new WorkerMessage(WorkerMessageKind.Done, holder.Status, await holder.StopAsync()));
            return 0;
        });
        return command;
    }

    private static async Task WaitForStopAsync(CancellationToken cancellationToken)
    {
        using var input = Console.OpenStandardInput();
        using var reader = new StreamReader(input);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Trim() == "stop")
            {
                return;
            }
        }
    }

    private static async Task ReportStatusAsync(LocalIdleHolder holder, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(_statusPeriod);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Write(new WorkerMessage(WorkerMessageKind.Status, holder.Status));
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    private static void Write(WorkerMessage message)
    {
        var line = JsonSerializer.Serialize(message, WorkerJsonContext.Default.WorkerMessage);
        lock (_outputLock)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
