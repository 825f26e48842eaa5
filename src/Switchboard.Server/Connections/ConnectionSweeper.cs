using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Connections;

/// <summary>
/// One timer for all connections. Every connection is asked, once per <see cref="Period"/>, to check its
/// deadlines: a write that has taken longer than <see cref="SwitchboardOptions.SendTimeout"/>, a
/// keep-alive ping gone unanswered, a close the client never completed. A timer per connection would cost
/// every idle connection memory for the rare one that stalls. Each tick visits one of the
/// <see cref="ConnectionStore"/>'s 32 shards (several at the shortest periods), so the work and the pings
/// it sends are spread over the period instead of arriving as one burst.
/// </summary>
internal sealed partial class ConnectionSweeper : IHostedService, IDisposable
{
    private static readonly TimeSpan _minimumPeriod = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan _maximumPeriod = TimeSpan.FromSeconds(1);

    // Timers do not fire much finer than a millisecond; below this, a tick visits several shards instead.
    private static readonly TimeSpan _minimumTick = TimeSpan.FromMilliseconds(5);

    private readonly ConnectionStore _connections;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private ITimer? _timer;
    private int _sweeping;
    private int _nextShard;

    public ConnectionSweeper(ConnectionStore connections, TimeProvider timeProvider, IOptions<SwitchboardOptions> options, ILogger<ConnectionSweeper>? logger = null)
    {
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _connections = connections;
        _timeProvider = timeProvider;
        Period = PeriodFor(options.Value);
        (Tick, ShardsPerTick) = ScheduleFor(Period);
    }

    /// <summary>A deadline is noticed at most this long after it passes.</summary>
    public TimeSpan Period { get; }

    /// <summary>How often the timer fires.</summary>
    public TimeSpan Tick { get; }

    /// <summary>Shards visited per tick: every shard is visited at least once per <see cref="Period"/>.</summary>
    public int ShardsPerTick { get; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = _timeProvider.CreateTimer(static state => ((ConnectionSweeper)state!).SweepNextShard(), this, Tick, Tick);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    internal void SweepNextShard()
    {
        // A sweep that outlasts its tick (a huge fleet on a busy machine) is not run twice at once.
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            var now = _timeProvider.GetTimestamp();
            for (var i = 0; i < ShardsPerTick; i++)
            {
                // Wraps here rather than counting up forever: at the shortest period a running count would
                // pass int.MaxValue within days and index a negative shard.
                var shard = _nextShard;
                _nextShard = (shard + 1) % ConnectionStore.ShardCount;
                foreach (var connection in _connections.Shard(shard))
                {
                    SweepOne(connection, now);
                }
            }
        }
        catch (Exception ex)
        {
            // A timer callback: an exception would be unhandled and end the process. A sweep that fails
            // (memory running out) is tried again next tick; each connection's deadlines still stand.
            try
            {
                Log.SweepFailed(_logger, ex);
            }
            catch (Exception)
            {
                // Not even the log could be written.
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>One connection that fails its sweep (a bug) must not keep the rest of its shard from theirs.</summary>
    private void SweepOne(PeerConnection connection, long now)
    {
        try
        {
            connection.Sweep(now);
        }
        catch (Exception ex)
        {
            try
            {
                Log.SweepFailed(_logger, ex);
                connection.Abort(Diagnostics.CloseReason.InternalError);
            }
            catch (Exception)
            {
                // Not even that: the next tick tries again.
            }
        }
    }

    internal static (TimeSpan Tick, int ShardsPerTick) ScheduleFor(TimeSpan period)
    {
        var tick = period / ConnectionStore.ShardCount;
        if (tick >= _minimumTick)
        {
            return (tick, 1);
        }

        return (_minimumTick, (int)Math.Ceiling(ConnectionStore.ShardCount * _minimumTick.Ticks / (double)period.Ticks));
    }

    internal static TimeSpan PeriodFor(SwitchboardOptions options)
    {
        var shortest = new[] { options.SendTimeout, options.KeepAliveInterval, options.KeepAliveTimeout, options.CloseTimeout, options.HandshakeTimeout }
            .Where(t => t > TimeSpan.Zero)
            .DefaultIfEmpty(_maximumPeriod)
            .Min();
        return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, _minimumPeriod.Ticks, _maximumPeriod.Ticks));
    }

    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Error, "Sweeping the connections' deadlines failed; trying again next tick", EventName = "SweepFailed")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
