using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Server.Transport;

/// <summary>The server's half of the opening handshake (RFC 6455 §4.2.2).</summary>
internal static class WebSocketAccept
{
    /// <summary>The length of a <c>Sec-WebSocket-Accept</c> value: base64 of a 20-byte SHA-1.</summary>
    public const int AcceptLength = 28;

    /// <summary>The longest answer <see cref="WriteResponse"/> writes.</summary>
    public const int MaxResponseLength = 160;

    private static ReadOnlySpan<byte> GuidUtf8 => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    private static ReadOnlySpan<byte> ResponseHead => "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: "u8;

    // SHA-1 is what RFC 6455 prescribes here; it proves the server read the key, it protects nothing.
#pragma warning disable CA5350
    /// <summary>For the pipeline path, which has the key as a string already.</summary>
    public static string ComputeAccept(string key) =>
        Convert.ToBase64String(SHA1.HashData([.. Encoding.ASCII.GetBytes(key), .. GuidUtf8]));

    /// <summary>
    /// The accept value for <paramref name="key"/> (the 24 bytes <see cref="HandshakeParser.IsValidKey"/>
    /// passed) into <paramref name="accept"/>, on the stack: the direct path answers every upgrade without
    /// leaving garbage behind, which an idle fleet set up in a burst would otherwise keep resident.
    /// </summary>
    public static void ComputeAccept(ReadOnlySpan<byte> key, Span<byte> accept)
    {
        Span<byte> input = stackalloc byte[64];
        key.CopyTo(input);
        GuidUtf8.CopyTo(input[key.Length..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input[..(key.Length + GuidUtf8.Length)], hash);
        Base64.EncodeToUtf8(hash, accept, out _, out _);
    }
#pragma warning restore CA5350

    /// <summary>The 101 answer to <paramref name="key"/> into <paramref name="response"/> (at least <see cref="MaxResponseLength"/> bytes); its length.</summary>
    public static int WriteResponse(ReadOnlySpan<byte> key, Span<byte> response)
    {
        ResponseHead.CopyTo(response);
        var length = ResponseHead.Length;
        ComputeAccept(key, response.Slice(length, AcceptLength));
        length += AcceptLength;
        "\r\n\r\n"u8.CopyTo(response[length..]);
        return length + 4;
    }
}
