using System.CommandLine;
using System.Text.Json;
using Switchboard.LoadTest.Reporting;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Cli;

/// <summary>The <c>report</c> command: tabulates a folder of results (bench/run.sh calls it at the end of a run).</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var results = new Option<string>("--results") { Description = "A folder of result JSON files (searched recursively)", Required = true };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table as Markdown to this file" };
        var command = new Command("report", "Print the table of medians and ratios to the tutorial's server for a folder of results") { results, markdown };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(results)!;
            if (!Directory.Exists(folder))
            {
                await Console.Error.WriteLineAsync($"no folder {folder}");
                return 2;
            }

            var loaded = new List<ScenarioResult>();
            foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order())
            {
                try
                {
                    if (JsonSerializer.Deserialize(await File.ReadAllTextAsync(file, cancellationToken), ResultsJsonContext.Default.ScenarioResult) is { Tool: "switchboard-loadtest" } result)
                    {
                        loaded.Add(result);
                    }
                }
                catch (JsonException)
                {
                    // Not a result file.
                }
            }

            if (Console.IsOutputRedirected)
            {
                // A file has no window width; the table is wide.
                Spectre.Console.AnsiConsole.Profile.Width = 200;
            }

            var table = BenchmarkTable.Build(loaded);
            table.Print();
            if (parse.GetValue(markdown) is { } path)
            {
                await File.WriteAllTextAsync(path, table.ToMarkdown(), cancellationToken);
            }

            return 0;
        });
        return command;
    }
}
