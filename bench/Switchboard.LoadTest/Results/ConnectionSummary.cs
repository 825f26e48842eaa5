namespace Switchboard.LoadTest.Results;

/// <summary>Connections the scenario opened, failed to open or set up, and lost before the end.</summary>
internal sealed record ConnectionSummary(long Opened, long Failed, long LostEarly);
