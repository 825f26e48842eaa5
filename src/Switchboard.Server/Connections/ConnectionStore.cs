using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Switchboard.Server.Connections;

/// <summary>Every open connection, so the server can count them and close them all at shutdown.</summary>
internal sealed class ConnectionStore
{
    private readonly ConcurrentDictionary<PeerConnection, byte> _connections = new();

    public int Count => _connections.Count;

    /// <summary>A live view for periodic checks; connections may come and go while it is walked.</summary>
    public IEnumerable<PeerConnection> All
    {
        get
        {
            // Enumerating the dictionary itself takes no lock and copies nothing (Keys would snapshot).
            foreach (var (connection, _) in _connections)
            {
                yield return connection;
            }
        }
    }

    public void Add(PeerConnection connection) => _connections.TryAdd(connection, 0);

    public void Remove(PeerConnection connection) => _connections.TryRemove(connection, out _);

    public void CloseAll(WebSocketCloseStatus status, string reason)
    {
        foreach (var (connection, _) in _connections)
        {
            connection.RequestClose(status, reason);
        }
    }
}
