using Switchboard.LoadTest.Dialects;
using Switchboard.LoadTest.Measurement;
using Switchboard.LoadTest.Net;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>
/// Holds idle connections in this process: pairs set up the tutorial's way (or registered, for PeerJS),
/// then left alone with a zero-byte read pending so each costs this process almost nothing but the socket.
/// </summary>
internal sealed class LocalIdleHolder : IIdleHolder
{
    private static readonly Func<LoadClient, ReadOnlyMemory<byte>, ValueTask> _discard = static (_, _) => ValueTask.CompletedTask;

    private readonly ScenarioContext _context;
    private readonly int _pairs;
    private readonly List<LoadClient> _clients = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop = new();
    private LoadClient[] _snapshot = [];
    private Task _heartbeat = Task.CompletedTask;
    private long _opened;
    private long _failed;
    private long _ended;
    private long _lost;
    private long _rssBeforeKb;
    private bool _connected;
    private volatile bool _stopping;

    public LocalIdleHolder(ScenarioContext context, int connections)
    {
        _context = context;
        _pairs = connections / 2;
    }

    public IdleStatus Status
    {
        get
        {
            var opened = Volatile.Read(ref _opened);
            return new IdleStatus(opened, Volatile.Read(ref _failed), opened - Volatile.Read(ref _ended), Volatile.Read(ref _lost), _connected);
        }
    }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        _rssBeforeKb = ProcessProbe.Memory(Environment.ProcessId)?.VmRssKb ?? 0;
        var messages = new SetupMessages(offerBytes: 300);
        if (_context.Dialect.Heartbeat is { } heartbeat)
        {
            _heartbeat = HeartbeatLoop.RunAsync(() => Volatile.Read(ref _snapshot), heartbeat.Message, heartbeat.Interval, _context.Errors, _stop.Token);
        }

        await PairFactory.SetUpAsync(_context, _pairs, messages, Hold, () => Interlocked.Add(ref _failed, 2), cancellationToken);
        lock (_clients)
        {
            Volatile.Write(ref _snapshot, [.. _clients]);
        }

        _connected = true;
    }

    public async Task<IdleReport> StopAsync()
    {
        _stopping = true;
        await _stop.CancelAsync();
        LoadClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        var kbPerConnection = Volatile.Read(ref _opened) > 0
            ? Math.Round(((ProcessProbe.Memory(Environment.ProcessId)?.VmRssKb ?? 0) - _rssBeforeKb) / (double)_opened, 2)
            : (double?)null;
        var open = Status.Open;
        foreach (var client in clients)
        {
            client.Abort();
        }

        await Task.WhenAll([.. _loops, _heartbeat]).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var memory = ProcessProbe.Memory(Environment.ProcessId);
        return new IdleReport(Volatile.Read(ref _opened), Volatile.Read(ref _failed), open, Volatile.Read(ref _lost), memory?.VmHwmKb ?? 0, kbPerConnection, _context.Errors.Describe());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private void Hold(ClientPair pair)
    {
        foreach (var client in (ReadOnlySpan<LoadClient>)[pair.First, pair.Second])
        {
            Interlocked.Increment(ref _opened);
            var loop = WatchAsync(client);
            lock (_clients)
            {
                _clients.Add(client);
                _loops.Add(loop);
                // The heartbeat loop reads a snapshot; refreshed in steps so connecting stays O(n).
                if (_context.Dialect.Heartbeat is not null && _clients.Count - _snapshot.Length >= 256)
                {
                    Volatile.Write(ref _snapshot, [.. _clients]);
                }
            }
        }
    }

    private async Task WatchAsync(LoadClient client)
    {
        var end = await client.RunAsync(_discard, busy: false);
        Interlocked.Increment(ref _ended);
        if (!_stopping)
        {
            Interlocked.Increment(ref _lost);
            _context.Errors.Add($"an idle connection ended early ({end})");
        }
    }
}
