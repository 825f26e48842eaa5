using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Server.Transport;

/// <summary>The server's half of the opening handshake (RFC 6455 §4.2.2).</summary>
internal static class WebSocketAccept
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    // SHA-1 is what RFC 6455 prescribes here; it proves the server read the key, it protects nothing.
#pragma warning disable CA5350
    public static string ComputeAccept(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));
#pragma warning restore CA5350

    public static byte[] Response(string key) => Encoding.ASCII.GetBytes(
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: " + ComputeAccept(key) + "\r\n\r\n");
}
