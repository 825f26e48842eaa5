using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Switchboard.Server.Connections;

/// <summary>Every open connection, so the server can count them and close them all at shutdown.</summary>
internal sealed class ConnectionStore
{
    private readonly ConcurrentDictionary<PeerConnection, byte> _connections = new();

    public int Count => _connections.Count;

    public void Add(PeerConnection connection) => _connections.TryAdd(connection, 0);

    public void Remove(PeerConnection connection) => _connections.TryRemove(connection, out _);

    public void CloseAll(WebSocketCloseStatus status, string reason)
    {
        foreach (var connection in _connections.Keys)
        {
            connection.RequestClose(status, reason);
        }
    }
}
