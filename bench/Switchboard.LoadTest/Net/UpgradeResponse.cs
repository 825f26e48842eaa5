using System.Net.WebSockets;
using System.Text;

namespace Switchboard.LoadTest.Net;

/// <summary>Checks the server's answer to the opening handshake (RFC 6455 §4.1, the client's requirements).</summary>
internal static class UpgradeResponse
{
    /// <summary>Where the response head ends (just past its blank line) in <paramref name="received"/>; -1 while incomplete.</summary>
    public static int HeadLength(ReadOnlySpan<byte> received)
    {
        var at = received.IndexOf("\r\n\r\n"u8);
        return at < 0 ? -1 : at + 4;
    }

    /// <summary>Throws <see cref="WebSocketException"/> unless <paramref name="head"/> is a 101 carrying <paramref name="accept"/>.</summary>
    public static void Verify(ReadOnlySpan<byte> head, ReadOnlySpan<byte> accept)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var status = head[..lineEnd];
        if (!status.StartsWith("HTTP/1.1 101"u8) || (status.Length > 12 && status[12] != (byte)' '))
        {
            throw new WebSocketException(WebSocketError.NotAWebSocket, $"the server did not upgrade the connection: {Describe(status)}");
        }

        var rest = head[(lineEnd + 2)..];
        while (true)
        {
            var end = rest.IndexOf("\r\n"u8);
            if (end <= 0)
            {
                throw new WebSocketException(WebSocketError.HeaderError, "the server's 101 response has no Sec-WebSocket-Accept");
            }

            var line = rest[..end];
            rest = rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon], "sec-websocket-accept"u8))
            {
                var value = line[(colon + 1)..].Trim(" \t"u8);
                if (!value.SequenceEqual(accept))
                {
                    throw new WebSocketException(WebSocketError.HeaderError, $"the server's Sec-WebSocket-Accept '{Describe(value)}' does not match the key sent");
                }

                return;
            }
        }
    }

    private static string Describe(ReadOnlySpan<byte> text) => Encoding.ASCII.GetString(text[..Math.Min(text.Length, 200)]);
}
