namespace Switchboard.LoadTest.Results;

/// <summary>The load generator's own cost, to tell a server limit from a load limit and to size worker processes.</summary>
internal sealed record LoadGeneratorSummary(int Processes, int MaxConnectionsInOneProcess, long PeakRssKb, double? KbPerConnection);
