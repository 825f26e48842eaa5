using System.Diagnostics;
using Switchboard.LoadTest.Dialects;
using Switchboard.LoadTest.Measurement;
using Switchboard.LoadTest.Net;
using Switchboard.LoadTest.Options;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>
/// Drives relaying pairs: the first client sends a stamped candidate, the second echoes it back, and the
/// first records the round trip. Closed loop (each echo sends the next, <see cref="RelayOptions.InFlight"/>
/// at a time) or paced at <see cref="RelayOptions.Rate"/> round trips a second by one clock for all pairs
/// (<see cref="PaceAsync"/>). A client's messages come from one place only: the echo loop, or the clock.
/// </summary>
internal sealed class RelayEngine
{
    private readonly ScenarioContext _context;
    private readonly RelayOptions _options;
    private readonly LatencyRecorder _recorder;
    private readonly TrafficCounters _counters;
    private readonly List<PairRunner> _pairs = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _heartbeat = Task.CompletedTask;
    private Task _pacing = Task.CompletedTask;
    private volatile bool _stopping;

    public RelayEngine(ScenarioContext context, RelayOptions options, LatencyRecorder recorder, TrafficCounters counters)
    {
        _context = context;
        _options = options;
        _recorder = recorder;
        _counters = counters;
    }

    public int Pairs
    {
        get
        {
            lock (_pairs)
            {
                return _pairs.Count;
            }
        }
    }

    public long Lost { get; private set; }

    public void Add(ClientPair pair)
    {
        lock (_pairs)
        {
            _pairs.Add(new PairRunner(this, pair));
        }
    }

    public void Start()
    {
        PairRunner[] pairs;
        lock (_pairs)
        {
            pairs = [.. _pairs];
        }

        if (_context.Dialect.Heartbeat is { } heartbeat)
        {
            LoadClient[] clients = [.. pairs.SelectMany(p => new[] { p.Pair.First, p.Pair.Second })];
            _heartbeat = HeartbeatLoop.RunAsync(() => clients, heartbeat.Message, heartbeat.Interval, _context.Errors, _stop.Token);
        }

        foreach (var pair in pairs)
        {
            pair.Start();
        }

        if (_options.Rate > 0 && pairs.Length > 0)
        {
            _pacing = PaceAsync(pairs);
        }
    }

    public async Task StopAsync()
    {
        _stopping = true;
        await _stop.CancelAsync();
        PairRunner[] pairs;
        lock (_pairs)
        {
            pairs = [.. _pairs];
        }

        foreach (var pair in pairs)
        {
            pair.Pair.First.Abort();
            pair.Pair.Second.Abort();
        }

        await Task.WhenAll([.. pairs.Select(p => p.Completion), _heartbeat, _pacing]).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Lost = pairs.Sum(p => p.Lost);
        _stop.Dispose();
    }

    /// <summary>
    /// Paces every pair from one clock: with n pairs at r round trips a second, pair i sends at
    /// start + (k + i / n) / r for k = 0, 1, 2… The times are fixed in advance, so a stall (of this process,
    /// the machine or the server) delays only the sends that fell due during it. A timer per pair that re-arms
    /// from the moment it fired, as .NET's periodic timers do, lets one stall line up every pair it caught on
    /// the same instant for good: the steady rate turns into a burst of all pairs once a period, and the
    /// queueing behind that burst is measured as the server's latency (docs/performance.md).
    /// </summary>
    private async Task PaceAsync(PairRunner[] pairs)
    {
        var interval = Stopwatch.Frequency / (_options.Rate * pairs.Length);
        var start = Stopwatch.GetTimestamp();
        long sends = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                while (start + (long)(sends * interval) <= now)
                {
                    pairs[sends % pairs.Length].SendPaced();
                    sends++;
                }

                // Timers have millisecond resolution: the sends due within the next millisecond go together.
                var wait = Stopwatch.GetElapsedTime(now, start + (long)(sends * interval));
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(wait.TotalMilliseconds))), _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private sealed class PairRunner
    {
        private readonly RelayEngine _engine;
        private readonly RelayTemplate _forward;
        private readonly RelayTemplate _echo;
        private readonly Func<LoadClient, ReadOnlyMemory<byte>, ValueTask> _onForward;
        private readonly Func<LoadClient, ReadOnlyMemory<byte>, ValueTask> _onEcho;
        private int _inFlight;
        private int _lost;
        private volatile bool _paceStopped;

        public PairRunner(RelayEngine engine, ClientPair pair)
        {
            _engine = engine;
            Pair = pair;
            var size = engine._options.PayloadBytes;
            _forward = engine._context.Dialect.RelayTemplate(pair, pair.First, size);
            _echo = engine._context.Dialect.RelayTemplate(pair, pair.Second, size);
            _onForward = OnForward;
            _onEcho = OnEcho;
        }

        public ClientPair Pair { get; }

        public Task Completion { get; private set; } = Task.CompletedTask;

        public int Lost => _lost;

        public void Start() => Completion = RunAsync();

        private async Task RunAsync()
        {
            var second = WatchAsync(Pair.Second.RunAsync(_onForward, busy: true));
            Task first;
            if (_engine._options.Rate <= 0)
            {
                // The first window of messages goes out before the echo loop starts, so sends never overlap.
                for (var i = 0; i < _engine._options.InFlight && !_engine._stopping; i++)
                {
                    if (!await TrySendForwardAsync())
                    {
                        break;
                    }
                }

                first = WatchAsync(Pair.First.RunAsync(_onEcho, busy: true));
            }
            else
            {
                // The engine's clock sends (SendPaced).
                first = WatchAsync(Pair.First.RunAsync(_onEcho, busy: true));
            }

            await Task.WhenAll(first, second);
        }

        /// <summary>One paced round trip, unless the last one is still out or this pair can no longer send.</summary>
        public void SendPaced()
        {
            if (_paceStopped || Volatile.Read(ref _inFlight) >= _engine._options.InFlight)
            {
                return;
            }

            Interlocked.Increment(ref _inFlight);
            var sending = TrySendForwardAsync();
            if (!sending.IsCompletedSuccessfully)
            {
                _ = ObservePacedSendAsync(sending);
            }
            else if (!sending.Result)
            {
                _paceStopped = true;
            }
        }

        private async Task ObservePacedSendAsync(ValueTask<bool> sending)
        {
            if (!await sending)
            {
                _paceStopped = true;
            }
        }

        private async ValueTask<bool> TrySendForwardAsync()
        {
            try
            {
                _engine._counters.CountSent();
                await Pair.First.SendAsync(_forward.Stamp(Stopwatch.GetTimestamp()));
                return true;
            }
            catch (Exception ex) when (!_engine._stopping)
            {
                _engine._context.Errors.Add("a relay send failed", ex);
                return false;
            }
            catch
            {
                return false;
            }
        }

        // The second client: echo the first's stamp back unchanged.
        private ValueTask OnForward(LoadClient client, ReadOnlyMemory<byte> message)
        {
            if (!RelayTemplate.TryReadTimestamp(message.Span, out var stamp))
            {
                return ValueTask.CompletedTask;
            }

            _engine._counters.CountReceived();
            if (_engine._stopping)
            {
                return ValueTask.CompletedTask;
            }

            _engine._counters.CountSent();
            return client.SendAsync(_echo.Stamp(stamp));
        }

        // The first client: a round trip is complete.
        private ValueTask OnEcho(LoadClient client, ReadOnlyMemory<byte> message)
        {
            if (!RelayTemplate.TryReadTimestamp(message.Span, out var stamp))
            {
                return ValueTask.CompletedTask;
            }

            _engine._recorder.RecordSince(stamp);
            _engine._counters.CountReceived();
            _engine._counters.CountCompleted();
            if (_engine._options.Rate > 0)
            {
                Interlocked.Decrement(ref _inFlight);
                return ValueTask.CompletedTask;
            }

            if (_engine._stopping)
            {
                return ValueTask.CompletedTask;
            }

            _engine._counters.CountSent();
            return client.SendAsync(_forward.Stamp(Stopwatch.GetTimestamp()));
        }

        private async Task WatchAsync(Task<Net.ClientEnd> loop)
        {
            var end = await loop;
            if (!_engine._stopping)
            {
                Interlocked.Increment(ref _lost);
                _engine._context.Errors.Add($"a relaying connection ended early ({end})");
            }
        }
    }
}
