using System.Globalization;
using System.Text;
using Spectre.Console;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Reporting;

/// <summary>
/// The benchmark's summary: for each metric, the median over rounds per server, and the median of the
/// per-round ratios to the tutorial's server. Ratios are taken within a round because the machine's speed
/// drifts between rounds; interleaving makes each round a fair comparison.
/// </summary>
internal sealed class BenchmarkTable
{
    public const string Baseline = "tutorial";
    private static readonly string[] _serverOrder = ["switchboard", Baseline, "peerjs"];

    private BenchmarkTable(IReadOnlyList<string> servers, IReadOnlyList<MetricRow> rows, int rounds, IReadOnlyList<MemoryProjection> projections)
    {
        Servers = servers;
        Rows = rows;
        Rounds = rounds;
        Projections = projections;
    }

    public IReadOnlyList<string> Servers { get; }

    public IReadOnlyList<MetricRow> Rows { get; }

    public int Rounds { get; }

    /// <summary>Memory for many idle connections, extrapolated from the idle runs: start-up RSS + N × kB per connection.</summary>
    public IReadOnlyList<MemoryProjection> Projections { get; }

    public static BenchmarkTable Build(IReadOnlyList<ScenarioResult> results)
    {
        var servers = _serverOrder.Where(s => results.Any(r => r.Server == s)).Concat(results.Select(r => r.Server).Distinct().Except(_serverOrder)).ToList();
        var rows = new List<MetricRow>();
        foreach (var metric in Metric.All)
        {
            var byServer = results.Where(r => r.Label == metric.Label)
                .GroupBy(r => r.Server)
                .ToDictionary(g => g.Key, g => g.Select(r => (Round: r.Round ?? 0, Value: metric.Read(r))).Where(v => v.Value is not null).ToDictionary(v => v.Round, v => v.Value!.Value));
            if (byServer.Values.All(v => v.Count == 0))
            {
                continue;
            }

            var values = byServer.ToDictionary(s => s.Key, s => (IReadOnlyList<double>)[.. s.Value.OrderBy(v => v.Key).Select(v => v.Value)]);
            var medians = values.Where(v => v.Value.Count > 0).ToDictionary(v => v.Key, v => Median(v.Value));
            var ratios = new Dictionary<string, double>();
            if (metric.CompareToTutorial && byServer.TryGetValue(Baseline, out var baseline))
            {
                foreach (var (server, rounds) in byServer)
                {
                    var perRound = rounds.Where(r => baseline.TryGetValue(r.Key, out var b) && b > 0).Select(r => r.Value / baseline[r.Key]).ToList();
                    if (server != Baseline && perRound.Count > 0)
                    {
                        ratios[server] = Median(perRound);
                    }
                }
            }

            bool? holds = null;
            if (metric.RatioHolds is { } ratioHolds && ratios.TryGetValue("switchboard", out var ratio))
            {
                holds = ratioHolds(ratio);
            }
            else if (metric.ValueHolds is { } valueHolds && medians.TryGetValue("switchboard", out var value))
            {
                holds = valueHolds(value);
            }

            rows.Add(new MetricRow(metric, values, medians, ratios, holds));
        }

        var projections = new List<MemoryProjection>();
        foreach (var server in servers)
        {
            var idle = results.Where(r => r.Label == "idle" && r.Server == server && r.Idle is { RssKbPerConnection: not null, Before: not null }).ToList();
            if (idle.Count > 0)
            {
                projections.Add(new MemoryProjection(server, Median([.. idle.Select(r => r.Idle!.Before!.VmRssKb / 1024.0)]), Median([.. idle.Select(r => r.Idle!.RssKbPerConnection!.Value)])));
            }
        }

        return new BenchmarkTable(servers, rows, results.Select(r => r.Round ?? 0).Distinct().Count(), projections);
    }

    public void Print()
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"medians of {Rounds} round{(Rounds == 1 ? "" : "s")}; ratios to the {Baseline} server are medians of per-round ratios");
        table.AddColumn("metric");
        foreach (var server in Servers)
        {
            table.AddColumn(new TableColumn(server).RightAligned());
        }

        foreach (var server in RatioServers)
        {
            table.AddColumn(new TableColumn($"{server} ÷ {Baseline}").RightAligned());
        }

        table.AddColumn("target");
        table.AddColumn("holds");
        foreach (var row in Rows)
        {
            var cells = new List<string> { Markup.Escape(row.Metric.Name) };
            cells.AddRange(Servers.Select(s => row.Medians.TryGetValue(s, out var v) ? Format(v, row.Metric.Decimals) : "–"));
            cells.AddRange(RatioServers.Select(s => row.RatiosToTutorial.TryGetValue(s, out var r) ? $"{r:0.00}×" : "–"));
            cells.Add(Markup.Escape(row.Metric.Target ?? ""));
            cells.Add(row.Holds switch { true => "[green]yes[/]", false => "[red]no[/]", null => "" });
            table.AddRow([.. cells]);
        }

        AnsiConsole.Write(table);
        foreach (var projection in Projections)
        {
            AnsiConsole.WriteLine($"{projection.Server}: {projection.KbPerConnection:N2} kB per idle connection → 100 000 connections ≈ {projection.MiBFor(100_000):N0} MiB, 1 000 000 ≈ {projection.MiBFor(1_000_000) / 1024:N1} GiB");
        }
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| metric | ").AppendJoin(" | ", Servers).Append(" | ")
            .AppendJoin(" | ", RatioServers.Select(s => $"{s} ÷ {Baseline}")).AppendLine(" | target | holds |");
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", Servers.Count + RatioServers.Count))).AppendLine("---|---|");
        foreach (var row in Rows)
        {
            text.Append("| ").Append(row.Metric.Name).Append(" | ")
                .AppendJoin(" | ", Servers.Select(s => row.Medians.TryGetValue(s, out var v) ? Format(v, row.Metric.Decimals) : "–")).Append(" | ")
                .AppendJoin(" | ", RatioServers.Select(s => row.RatiosToTutorial.TryGetValue(s, out var r) ? $"{r:0.00}×" : "–")).Append(" | ")
                .Append(row.Metric.Target ?? "").Append(" | ")
                .Append(row.Holds switch { true => "yes", false => "**no**", null => "" }).AppendLine(" |");
        }

        if (Projections.Count > 0)
        {
            text.AppendLine().AppendLine("Memory projected from the idle runs (start-up RSS + N × kB per idle connection):").AppendLine();
            text.AppendLine("| server | start-up RSS MiB | kB per idle connection | 100 000 connections | 1 000 000 connections |");
            text.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var projection in Projections)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {projection.Server} | {projection.StartupMiB:N0} | {projection.KbPerConnection:N2} | {projection.MiBFor(100_000):N0} MiB | {projection.MiBFor(1_000_000) / 1024:N1} GiB |").AppendLine();
            }
        }

        text.AppendLine().AppendLine("Per round (in order):").AppendLine();
        text.Append("| metric | ").AppendJoin(" | ", Servers).AppendLine(" |");
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---|", Servers.Count))).AppendLine();
        foreach (var row in Rows)
        {
            text.Append("| ").Append(row.Metric.Name).Append(" | ")
                .AppendJoin(" | ", Servers.Select(s => row.Values.TryGetValue(s, out var v) && v.Count > 0 ? string.Join(" / ", v.Select(x => Format(x, row.Metric.Decimals))) : "–"))
                .AppendLine(" |");
        }

        return text.ToString();
    }

    private List<string> RatioServers => [.. Servers.Where(s => s != Baseline && Rows.Any(r => r.RatiosToTutorial.ContainsKey(s)))];

    private static string Format(double value, int decimals) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
