using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Hosting;

/// <summary>
/// Gives memory back after a burst of allocation. Relaying allocates nothing, so once a burst of
/// connection set-up is over the runtime may never collect again, and whatever the burst left since its
/// last collection (up to the gen0 budget: tens of MiB) would stay resident for as long as the
/// connections idle. Once <see cref="SwitchboardOptions.MemoryTrimThreshold"/> has been allocated since the
/// last trim and a quiet second follows, one compacting collection returns it (docs/decisions/0015).
/// </summary>
internal sealed partial class MemoryTrimmer : IHostedService, IDisposable
{
    /// <summary>How often allocation is looked at; a trim waits for one whole quiet period.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>At most one trim in this long, so a load that pauses every few seconds is not collected on every pause.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _threshold;
    private readonly Func<long> _allocated;
    private ITimer? _timer;
    private long _lastAllocated;
    private long _allocatedAtTrim;
    private long _trimmedAt;

    public MemoryTrimmer(IOptions<SwitchboardOptions> options, TimeProvider time, ILogger<MemoryTrimmer> logger)
        : this(options.Value.MemoryTrimThreshold, time, logger, static () => GC.GetTotalAllocatedBytes())
    {
    }

    /// <param name="threshold">Bytes allocated since the last trim before the next; 0 turns trimming off.</param>
    /// <param name="time">The clock the checks run on.</param>
    /// <param name="logger">Where each trim is logged (Debug).</param>
    /// <param name="allocated">Bytes allocated so far by the process (tests give their own).</param>
    internal MemoryTrimmer(long threshold, TimeProvider time, ILogger logger, Func<long> allocated)
    {
        _threshold = threshold;
        _time = time;
        _logger = logger;
        _allocated = allocated;
        _lastAllocated = _allocatedAtTrim = allocated();
        _trimmedAt = time.GetTimestamp() - (long)(MinimumInterval.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Trims done so far.</summary>
    public int Trims { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_threshold > 0)
        {
            _timer = _time.CreateTimer(static state => ((MemoryTrimmer)state!).Check(), this, Period, Period);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>One look at allocation: true when it trimmed. Run by the timer only, so never twice at once.</summary>
    internal bool Check()
    {
        var allocated = _allocated();
        var sinceLastCheck = allocated - _lastAllocated;
        _lastAllocated = allocated;

        // Quiet: less than a sixteenth of the threshold in the last period. While a burst goes on the
        // runtime collects by itself, and a trim in the middle of it would only be repeated after it.
        var quiet = sinceLastCheck < _threshold / 16;
        var now = _time.GetTimestamp();
        if (!quiet || allocated - _allocatedAtTrim < _threshold || _time.GetElapsedTime(_trimmedAt, now) < MinimumInterval)
        {
            return false;
        }

        try
        {
            var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            Trims++;
            _allocatedAtTrim = _allocated();
            _lastAllocated = _allocatedAtTrim;
            _trimmedAt = _time.GetTimestamp();
            Log.Trimmed(_logger, before, GC.GetGCMemoryInfo().TotalCommittedBytes, _time.GetElapsedTime(now));
        }
        catch (Exception ex)
        {
            // A timer callback: an exception here would end the process. The next burst tries again.
            Log.TrimFailed(_logger, ex);
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(51, LogLevel.Debug, "Memory trimmed after a burst: committed {BeforeBytes} → {AfterBytes} bytes in {Duration}", EventName = "MemoryTrimmed")]
        public static partial void Trimmed(ILogger logger, long beforeBytes, long afterBytes, TimeSpan duration);

        [LoggerMessage(52, LogLevel.Warning, "Trimming memory after a burst failed", EventName = "MemoryTrimFailed")]
        public static partial void TrimFailed(ILogger logger, Exception exception);
    }
}
