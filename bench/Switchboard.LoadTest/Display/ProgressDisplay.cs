using Spectre.Console;

namespace Switchboard.LoadTest.Display;

/// <summary>
/// Shows a <see cref="StatusBoard"/> while work runs: a live table in a terminal, a plain line every few
/// seconds when the output is a file (bench/run.sh logs), nothing when progress is off.
/// </summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan _livePeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan _plainPeriod = TimeSpan.FromSeconds(5);

    public static async Task<T> RunAsync<T>(string title, StatusBoard board, bool enabled, Func<Task<T>> work)
    {
        if (!enabled)
        {
            return await work();
        }

        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await RunPlainAsync(title, board, work);
        }

        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).AddColumn("").AddColumn("");
        T result = default!;
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async context =>
        {
            var running = work();
            while (!running.IsCompleted)
            {
                Render(table, board);
                context.Refresh();
                await Task.WhenAny(running, Task.Delay(_livePeriod));
            }

            Render(table, board);
            context.Refresh();
            result = await running;
        });
        return result;
    }

    private static async Task<T> RunPlainAsync<T>(string title, StatusBoard board, Func<Task<T>> work)
    {
        var running = work();
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(_plainPeriod));
            if (!running.IsCompleted)
            {
                var rows = string.Join("  ", board.Rows().Select(r => $"{r.Name}={r.Value}"));
                await Console.Error.WriteLineAsync($"[{title}] {board.Phase}: {rows}");
            }
        }

        return await running;
    }

    private static void Render(Table table, StatusBoard board)
    {
        table.Rows.Clear();
        table.AddRow(new Markup("[bold]phase[/]"), new Text(board.Phase));
        foreach (var (name, value) in board.Rows())
        {
            table.AddRow(new Text(name), new Text(value));
        }
    }
}
