using System.Diagnostics;
using Switchboard.LoadTest.Dialects;
using Switchboard.LoadTest.Measurement;
using Switchboard.LoadTest.Net;
using Switchboard.LoadTest.Options;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>
/// Drives relaying pairs: the first client sends a stamped candidate, the second echoes it back, and the
/// first records the round trip. Closed loop (each echo sends the next, <see cref="RelayOptions.InFlight"/>
/// at a time) or paced at <see cref="RelayOptions.Rate"/> round trips a second. Each client's sends come
/// from one place only, because a WebSocket takes one send at a time.
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

        await Task.WhenAll([.. pairs.Select(p => p.Completion), _heartbeat]).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Lost = pairs.Sum(p => p.Lost);
        _stop.Dispose();
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
                first = WatchAsync(Pair.First.RunAsync(_onEcho, busy: true));
                await PaceAsync();
            }

            await Task.WhenAll(first, second);
        }

        private async Task PaceAsync()
        {
            var period = TimeSpan.FromSeconds(1 / _engine._options.Rate);
            try
            {
                // A random phase, so pairs do not all send on the same tick.
                await Task.Delay(period * Random.Shared.NextDouble(), _engine._stop.Token);
                using var timer = new PeriodicTimer(period);
                do
                {
                    if (Volatile.Read(ref _inFlight) < _engine._options.InFlight)
                    {
                        Interlocked.Increment(ref _inFlight);
                        if (!await TrySendForwardAsync())
                        {
                            return;
                        }
                    }
                }
                while (await timer.WaitForNextTickAsync(_engine._stop.Token));
            }
            catch (OperationCanceledException)
            {
                // Stopped.
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
