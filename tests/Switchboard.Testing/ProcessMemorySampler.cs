using System.Diagnostics;

namespace Switchboard.Testing;

/// <summary>
/// Samples a <see cref="SwitchboardProcess"/>'s memory from /proc every few milliseconds in the background
/// and keeps the peaks, so a test sees the worst moment of an attack, not only where it ended.
/// VmRSS is what the process really touched; VmData counts what it committed (the GC's heap included)
/// whether touched or not, which is what a GC heap hard limit is charged against.
/// </summary>
public sealed class ProcessMemorySampler : IAsyncDisposable
{
    private static readonly TimeSpan _period = TimeSpan.FromMilliseconds(50);

    private readonly SwitchboardProcess _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly Lock _lock = new();
    private readonly Queue<(long At, long Rss)> _recent = new();
    private long _peakRss;
    private long _peakData;
    private long _lastRss;
    private long _lastData;

    public ProcessMemorySampler(SwitchboardProcess process)
    {
        _process = process;
        Sample();
        _sampling = Task.Run(SampleAsync);
    }

    /// <summary>Peak VmRSS since this sampler started, in kB.</summary>
    public long PeakResidentKilobytes
    {
        get
        {
            lock (_lock)
            {
                return _peakRss;
            }
        }
    }

    /// <summary>Peak VmData since this sampler started, in kB.</summary>
    public long PeakDataKilobytes
    {
        get
        {
            lock (_lock)
            {
                return _peakData;
            }
        }
    }

    /// <summary>The latest VmRSS and VmData, in kB.</summary>
    public (long Resident, long Data) Latest
    {
        get
        {
            lock (_lock)
            {
                return (_lastRss, _lastData);
            }
        }
    }

    /// <summary>
    /// True once VmRSS has moved less than <paramref name="toleranceKilobytes"/> over the last
    /// <paramref name="window"/> (or the process is gone, when nothing will move again).
    /// </summary>
    public bool IsSettled(TimeSpan window, long toleranceKilobytes)
    {
        if (_process.HasExited)
        {
            return true;
        }

        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            var inWindow = _recent.Where(s => Stopwatch.GetElapsedTime(s.At, now) <= window).ToList();
            var covered = _recent.Count > 0 && Stopwatch.GetElapsedTime(_recent.Peek().At, now) >= window;
            return covered && inWindow.Count > 0 && inWindow.Max(s => s.Rss) - inWindow.Min(s => s.Rss) < toleranceKilobytes;
        }
    }

    /// <summary>
    /// Waits, at most <paramref name="timeout"/>, until memory stops moving (see <see cref="IsSettled"/>);
    /// returns whether it did. Memory that keeps growing is a finding, not an error of the test.
    /// </summary>
    public async Task<bool> SettleAsync(TimeSpan window, long toleranceKilobytes, TimeSpan timeout)
    {
        try
        {
            await Retry.UntilAsync("the server's memory settles", () => IsSettled(window, toleranceKilobytes), timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested && !_process.HasExited)
        {
            try
            {
                await Task.Delay(_period, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Sample();
        }
    }

    private void Sample()
    {
        long rss;
        long data;
        try
        {
            rss = _process.ReadResidentKilobytes();
            data = _process.ReadStatusKilobytes("VmData");
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // The process has just exited.
            return;
        }

        lock (_lock)
        {
            _lastRss = rss;
            _lastData = data;
            _peakRss = Math.Max(_peakRss, rss);
            _peakData = Math.Max(_peakData, data);
            var now = Stopwatch.GetTimestamp();
            _recent.Enqueue((now, rss));
            while (_recent.Count > 0 && Stopwatch.GetElapsedTime(_recent.Peek().At, now) > TimeSpan.FromSeconds(30))
            {
                _recent.Dequeue();
            }
        }
    }
}
