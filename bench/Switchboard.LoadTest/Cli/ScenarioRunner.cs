using System.Text.Json;
using Spectre.Console;
using Switchboard.LoadTest.Display;
using Switchboard.LoadTest.Options;
using Switchboard.LoadTest.Results;
using Switchboard.LoadTest.Scenarios;

namespace Switchboard.LoadTest.Cli;

/// <summary>Runs one scenario: arms the hard stop, shows progress, writes the JSON result and prints a summary.</summary>
internal static class ScenarioRunner
{
    /// <summary>Exit codes: 0 complete, 1 result written but the run was incomplete, 2 refused (bad target), 3 hard stop.</summary>
    public static async Task<int> RunAsync(RunOptions run, TimeSpan budget, TimeSpan? hardStop, string title, Func<ScenarioContext, Task<ScenarioResult>> scenario, CancellationToken cancellationToken)
    {
        HardStop.Arm(hardStop ?? budget + ScenarioTiming.Grace);
        ScenarioContext context;
        try
        {
            context = new ScenarioContext(run, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"switchboard-loadtest: {ex.Message}");
            return 2;
        }

        using (context)
        {
            if (run.ServerPid is { } pid && !Measurement.ProcessProbe.IsAlive(pid))
            {
                await Console.Error.WriteLineAsync($"switchboard-loadtest: no process {pid}: server figures will be missing");
            }

            var result = await ProgressDisplay.RunAsync($"{title} → {context.ServerName} {run.Target}", context.Status, run.Progress, () => scenario(context));
            if (run.Output is { } output)
            {
                var directory = Path.GetDirectoryName(Path.GetFullPath(output));
                if (directory is not null)
                {
                    Directory.CreateDirectory(directory);
                }

                await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, ResultsJsonContext.Default.ScenarioResult), CancellationToken.None);
            }

            Print(result);
            return result.Complete ? 0 : 1;
        }
    }

    private static void Print(ScenarioResult result)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"{result.Label} → {result.Server}{(result.Complete ? "" : " (incomplete)")}")
            .AddColumns("", "value");
        if (result.Connections is { } connections)
        {
            table.AddRow("connections opened / failed / lost early", $"{connections.Opened:N0} / {connections.Failed:N0} / {connections.LostEarly:N0}");
        }

        if (result.Idle is { } idle)
        {
            table.AddRow("idle connections held", $"{idle.Held:N0} (connected in {idle.ConnectSeconds:N1} s)");
            table.AddRow("server RSS before → after hold", $"{Kb(idle.Before?.VmRssKb)} → {Kb(idle.AfterHold?.VmRssKb)}");
            table.AddRow("server kB per connection (RSS / PSS / anon)", $"{idle.RssKbPerConnection:N2} / {idle.PssKbPerConnection:N2} / {idle.AnonymousKbPerConnection:N2}");
            if (idle.HoldServerCpuUtilisation is { } cpu)
            {
                table.AddRow("server CPU while holding", $"{cpu:P1}");
            }
        }

        if (result.WarmIdle is { } warm)
        {
            // Absolute figures only: a runtime with a garbage collector gives memory back when it chooses, so a
            // delta within the second pass says more about the collector than about connections.
            table.AddRow("second pass (same server): held", $"{warm.Held:N0}; RSS {Kb(warm.Before?.VmRssKb)} after the first pass closed → {Kb(warm.AfterHold?.VmRssKb)}");
        }

        // The idle scenario's hold window only carries the server's CPU, shown above.
        foreach (var phase in result.Phases.Where(p => result.Idle is null || p.Name != "hold"))
        {
            table.AddRow($"[bold]{Markup.Escape(phase.Name)}[/]", $"{phase.Messages:N0} in {phase.Seconds:N1} s = {phase.MessagesPerSecond:N0}/s");
            if (phase.Latency is { } latency)
            {
                table.AddRow("  latency p50 / p99 / p99.9 / max", $"{latency.P50Us:N0} / {latency.P99Us:N0} / {latency.P999Us:N0} / {latency.MaxUs:N0} µs");
            }

            if (phase.LatencyToAll is { } toAll)
            {
                table.AddRow("  to all members p50 / p99 / p99.9", $"{toAll.P50Us:N0} / {toAll.P99Us:N0} / {toAll.P999Us:N0} µs");
            }

            if (phase.ServerCpuUtilisation is { } utilisation)
            {
                table.AddRow("  server CPU", $"{utilisation:P0}, {phase.ServerCpuMicrosPerMessage:N1} µs per message");
            }

            table.AddRow("  load generator CPU / other processes", $"{phase.LoadCpuUtilisation:P0} / {phase.OtherCpuUtilisation:P0}");
        }

        if (result.LoadGenerator is { } load)
        {
            table.AddRow("load processes / peak RSS", $"{load.Processes} / {Kb(load.PeakRssKb)}{(load.KbPerConnection is { } kb ? $" ({kb:N1} kB per connection)" : "")}");
        }

        foreach (var error in result.Errors.Take(5))
        {
            table.AddRow("[red]error[/]", Markup.Escape(error));
        }

        AnsiConsole.Write(table);
    }

    private static string Kb(long? kb) => kb is { } value ? $"{value / 1024.0:N1} MiB" : "–";
}
