namespace Switchboard.LoadTest.Scenarios;

/// <summary>A holder's final account, including its own memory so the load generator's cost per connection is known.</summary>
internal sealed record IdleReport(long Opened, long Failed, long Open, long Lost, long PeakRssKb, double? KbPerConnection, IReadOnlyList<string> Errors);
