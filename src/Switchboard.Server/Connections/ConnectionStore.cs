using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Switchboard.Server.Connections;

/// <summary>
/// Every open connection, so the server can count them, sweep their deadlines and close them all at
/// shutdown. Spread over shards so <see cref="ConnectionSweeper"/> can visit one slice per tick: with
/// tens of thousands of connections, one pass over all of them at once is a pause long enough to show in
/// a busy connection's latency, and the keep-alive pings it sends (and the pongs that answer them) come
/// as one burst.
/// </summary>
internal sealed class ConnectionStore
{
    public const int ShardCount = 32;

    private readonly ConcurrentDictionary<PeerConnection, byte>[] _shards =
        [.. Enumerable.Range(0, ShardCount).Select(_ => new ConcurrentDictionary<PeerConnection, byte>())];

    private uint _next;
    private int _direct;
    private int _pipeline;

    public int Count => Volatile.Read(ref _direct) + Volatile.Read(ref _pipeline);

    /// <summary>Open connections by the way they came in (a new connection counts from its first event).</summary>
    public (int Direct, int Pipeline) CountByTransport() => (Volatile.Read(ref _direct), Volatile.Read(ref _pipeline));

    /// <summary>A live view for periodic checks; connections may come and go while it is walked.</summary>
    public IEnumerable<PeerConnection> All => Enumerable.Range(0, ShardCount).SelectMany(Shard);

    /// <summary>One slice of the connections, live.</summary>
    public IEnumerable<PeerConnection> Shard(int index)
    {
        // Enumerating the dictionary itself takes no lock and copies nothing (Keys would snapshot).
        foreach (var (connection, _) in _shards[index])
        {
            yield return connection;
        }
    }

    public void Add(PeerConnection connection)
    {
        connection.StoreShard = (int)(Interlocked.Increment(ref _next) % ShardCount);
        if (_shards[connection.StoreShard].TryAdd(connection, 0))
        {
            Interlocked.Increment(ref connection.TransportKind == TransportKind.Direct ? ref _direct : ref _pipeline);
        }
    }

    public void Remove(PeerConnection connection)
    {
        if (_shards[connection.StoreShard].TryRemove(connection, out _))
        {
            Interlocked.Decrement(ref connection.TransportKind == TransportKind.Direct ? ref _direct : ref _pipeline);
        }
    }

    public void CloseAll(WebSocketCloseStatus status, string reason)
    {
        foreach (var connection in All)
        {
            connection.RequestClose(status, reason);
        }
    }
}
