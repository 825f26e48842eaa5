namespace Switchboard.LoadTest.Results;

/// <summary>
/// A process's memory at one moment, in kB: VmRSS/VmHWM from /proc/PID/status, the rest from
/// /proc/PID/smaps_rollup (Pss splits shared pages fairly; Anonymous is the heap, what grows per connection).
/// </summary>
internal sealed record MemorySample(long VmRssKb, long VmHwmKb, long RssKb, long PssKb, long PrivateDirtyKb, long AnonymousKb, int OpenFiles);
