using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.LoadTest.Net;

/// <summary>
/// The opening handshake's request (RFC 6455 §4.1), formatted once per URL: each connection only writes
/// its own key into a copy. The key is the last header, so it sits at a fixed distance from the end.
/// </summary>
internal sealed class UpgradeRequest
{
    public const int KeyLength = 24;
    public const int AcceptLength = 28;

    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static readonly byte[] _guid = Encoding.ASCII.GetBytes(Guid);

    private readonly byte[] _template;
    private readonly int _keyAt;

    public UpgradeRequest(Uri uri)
    {
        Uri = uri;
        _template = Encoding.ASCII.GetBytes(
            $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {new string('A', KeyLength)}\r\n\r\n");
        _keyAt = _template.Length - 4 - KeyLength;
    }

    public Uri Uri { get; }

    public int Length => _template.Length;

    /// <summary>
    /// Writes the request with a fresh random key into <paramref name="destination"/>, and the
    /// Sec-WebSocket-Accept the server must answer into <paramref name="accept"/>.
    /// </summary>
    public void Write(Span<byte> destination, Span<byte> accept)
    {
        _template.CopyTo(destination);
        Span<byte> nonce = stackalloc byte[16];
        // The key only proves the server read this request; it protects nothing, so a fast PRNG will do.
        Random.Shared.NextBytes(nonce);
        var key = destination.Slice(_keyAt, KeyLength);
        Base64.EncodeToUtf8(nonce, key, out _, out _);

        Span<byte> keyAndGuid = stackalloc byte[KeyLength + 36];
        key.CopyTo(keyAndGuid);
        _guid.CopyTo(keyAndGuid[KeyLength..]);
        Span<byte> hash = stackalloc byte[20];
        // SHA-1 is what RFC 6455 prescribes for the accept value; it is a checksum here, not security.
#pragma warning disable CA5350
        SHA1.HashData(keyAndGuid, hash);
#pragma warning restore CA5350
        Base64.EncodeToUtf8(hash, accept, out _, out _);
    }
}
