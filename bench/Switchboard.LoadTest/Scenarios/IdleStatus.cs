namespace Switchboard.LoadTest.Scenarios;

/// <summary>A holder's connections: opened so far, failed to open or pair, open now, and lost before the end.</summary>
internal sealed record IdleStatus(long Opened, long Failed, long Open, long Lost, bool Connected);
