using System.Globalization;
using System.Text;
using Spectre.Console;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Reporting;

/// <summary>
/// The benchmark's summary: for each metric, the median over rounds per server, and the median of the
/// per-round ratios to the tutorial's server. Ratios are taken within a round because the machine's speed
/// drifts between rounds; interleaving makes each round a fair comparison. When the results hold a
/// <see cref="Baseline"/> server (another Switchboard build, <c>bench/run.sh --baseline-ref</c>), each metric
/// also gets switchboard ÷ baseline, the median of its per-round ratios in the same way.
/// </summary>
internal sealed class BenchmarkTable
{
    public const string Tutorial = "tutorial";

    /// <summary>The Switchboard build the working tree (or <c>--switchboard-ref</c>) is compared with, run in the same rounds.</summary>
    public const string Baseline = "baseline";

    private const string Switchboard = "switchboard";
    private static readonly string[] _serverOrder = [Switchboard, Baseline, Tutorial, "peerjs"];

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
            if (metric.CompareToTutorial && byServer.TryGetValue(Tutorial, out var tutorial))
            {
                foreach (var (server, rounds) in byServer)
                {
                    var perRound = PerRoundRatios(rounds, tutorial);
                    if (server != Tutorial && perRound.Count > 0)
                    {
                        ratios[server] = Median(perRound);
                    }
                }
            }

            List<double> toBaseline = metric.CompareToTutorial && byServer.TryGetValue(Switchboard, out var switchboard) && byServer.TryGetValue(Baseline, out var baseline)
                ? PerRoundRatios(switchboard, baseline)
                : [];

            bool? holds = null;
            if (metric.RatioHolds is { } ratioHolds && ratios.TryGetValue(Switchboard, out var ratio))
            {
                holds = ratioHolds(ratio);
            }
            else if (metric.ValueHolds is { } valueHolds && medians.TryGetValue(Switchboard, out var value))
            {
                holds = valueHolds(value);
            }

            rows.Add(new MetricRow(metric, values, medians, ratios, holds, toBaseline, toBaseline.Count > 0 ? Median(toBaseline) : null));
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
        var table = new Table().Border(TableBorder.Rounded).Title(Title);
        table.AddColumn("metric");
        foreach (var server in Servers)
        {
            table.AddColumn(new TableColumn(server).RightAligned());
        }

        foreach (var server in RatioServers)
        {
            table.AddColumn(new TableColumn($"{server} ÷ {Tutorial}").RightAligned());
        }

        if (HasBaseline)
        {
            table.AddColumn(new TableColumn(BaselineColumn).RightAligned());
        }

        table.AddColumn("target");
        table.AddColumn("holds");
        foreach (var row in Rows)
        {
            var cells = new List<string> { Markup.Escape(row.Metric.Name) };
            cells.AddRange(Servers.Select(s => row.Medians.TryGetValue(s, out var v) ? Format(v, row.Metric.Decimals) : "–"));
            cells.AddRange(RatioServers.Select(s => row.RatiosToTutorial.TryGetValue(s, out var r) ? $"{r:0.00}×" : "–"));
            if (HasBaseline)
            {
                cells.Add(BaselineRatio(row));
            }

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
        var ratioColumns = RatioServers.Select(s => $"{s} ÷ {Tutorial}").Concat(HasBaseline ? [BaselineColumn] : []).ToList();
        text.Append("| metric | ").AppendJoin(" | ", Servers.Concat(ratioColumns)).AppendLine(" | target | holds |");
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", Servers.Count + ratioColumns.Count))).AppendLine("---|---|");
        foreach (var row in Rows)
        {
            var ratioCells = RatioServers.Select(s => row.RatiosToTutorial.TryGetValue(s, out var r) ? $"{r:0.00}×" : "–").Concat(HasBaseline ? [BaselineRatio(row)] : []);
            text.Append("| ").Append(row.Metric.Name).Append(" | ")
                .AppendJoin(" | ", Servers.Select(s => row.Medians.TryGetValue(s, out var v) ? Format(v, row.Metric.Decimals) : "–").Concat(ratioCells)).Append(" | ")
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
        text.Append("| metric | ").AppendJoin(" | ", Servers).Append(HasBaseline ? $" | {BaselineColumn}" : "").AppendLine(" |");
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---|", Servers.Count + (HasBaseline ? 1 : 0)))).AppendLine();
        foreach (var row in Rows)
        {
            text.Append("| ").Append(row.Metric.Name).Append(" | ")
                .AppendJoin(" | ", Servers.Select(s => row.Values.TryGetValue(s, out var v) && v.Count > 0 ? string.Join(" / ", v.Select(x => Format(x, row.Metric.Decimals))) : "–"));
            if (HasBaseline)
            {
                text.Append(" | ").Append(row.RatiosToBaselinePerRound.Count > 0 ? string.Join(" / ", row.RatiosToBaselinePerRound.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture))) : "–");
            }

            text.AppendLine(" |");
        }

        return text.ToString();
    }

    private const string BaselineColumn = $"{Switchboard} ÷ {Baseline}";

    private List<string> RatioServers => [.. Servers.Where(s => s != Tutorial && Rows.Any(r => r.RatiosToTutorial.ContainsKey(s)))];

    private bool HasBaseline => Rows.Any(r => r.RatioToBaseline is not null);

    private string Title =>
        $"medians of {Rounds} round{(Rounds == 1 ? "" : "s")}; ratios to the {Tutorial} server{(HasBaseline ? $" and {BaselineColumn}" : "")} are medians of per-round ratios";

    /// <summary>Three decimals: this column is read against tolerances of a few per cent.</summary>
    private static string BaselineRatio(MetricRow row) => row.RatioToBaseline is { } ratio ? ratio.ToString("0.000", CultureInfo.InvariantCulture) + "×" : "–";

    /// <summary>Each round's value ÷ the reference's value in the same round, in round order; rounds missing either, or with a reference of 0, are left out.</summary>
    private static List<double> PerRoundRatios(Dictionary<int, double> rounds, Dictionary<int, double> reference) =>
        [.. rounds.OrderBy(r => r.Key).Where(r => reference.TryGetValue(r.Key, out var b) && b > 0).Select(r => r.Value / reference[r.Key])];

    private static string Format(double value, int decimals) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
