using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Switchboard.Server.Transport;

/// <summary>
/// Recognises a WebSocket opening handshake (RFC 6455 §4.2.1) in the first bytes of a connection.
/// Deliberately narrow: it accepts only a plain, well-formed HTTP/1.1 upgrade on a configured path and
/// calls everything else <see cref="HandshakeParseResult.NotOurs"/>, so anything unusual is answered by
/// Kestrel's full HTTP parser and the regular pipeline rather than by this code.
/// </summary>
internal static class HandshakeParser
{
    /// <summary>A longer request head is left to Kestrel (whose own limits then apply).</summary>
    public const int MaxHeadLength = 8 * 1024;

    private const int MaxHeaders = 64;

    public static HandshakeParseResult TryParse(ReadOnlySpan<byte> data, IReadOnlyList<string> paths, out HandshakeRequest request)
    {
        request = default;

        // Decide early where possible so a page request is handed over without waiting for all of it.
        if (!StartsLikeGet(data))
        {
            return HandshakeParseResult.NotOurs;
        }

        var headEnd = data.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return data.Length >= MaxHeadLength ? HandshakeParseResult.NotOurs : HandshakeParseResult.Incomplete;
        }

        var head = data[..(headEnd + 2)];
        var lineEnd = head.IndexOf("\r\n"u8);
        if (!TryParseRequestLine(head[..lineEnd], paths, out var path, out var query))
        {
            return HandshakeParseResult.NotOurs;
        }

        Range? key = null;
        string? origin = null;
        string? forwardedFor = null;
        var hostValue = string.Empty;
        bool host = false, upgrade = false, connection = false, version = false;
        var headers = 0;
        var rest = head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = rest[..end];
            rest = rest[(end + 2)..];
            if (++headers > MaxHeaders || !TrySplitHeader(line, out var name, out var value))
            {
                return HandshakeParseResult.NotOurs;
            }

            if (Is(name, "host"u8))
            {
                if (host || value.IsEmpty)
                {
                    return HandshakeParseResult.NotOurs;
                }

                host = true;
                hostValue = Encoding.ASCII.GetString(value);
            }
            else if (Is(name, "upgrade"u8))
            {
                upgrade |= HasToken(value, "websocket"u8);
            }
            else if (Is(name, "connection"u8))
            {
                connection |= HasToken(value, "upgrade"u8);
            }
            else if (Is(name, "sec-websocket-version"u8))
            {
                if (version || !value.SequenceEqual("13"u8))
                {
                    return HandshakeParseResult.NotOurs;
                }

                version = true;
            }
            else if (Is(name, "sec-websocket-key"u8))
            {
                if (key is not null || !IsValidKey(value))
                {
                    return HandshakeParseResult.NotOurs;
                }

                // Kept as where it lies in the head, not a string: the answer is computed straight from the bytes.
                key = Offset(data, value);
            }
            else if (Is(name, "origin"u8))
            {
                if (origin is not null)
                {
                    return HandshakeParseResult.NotOurs;
                }

                origin = Encoding.ASCII.GetString(value);
            }
            else if (Is(name, "x-forwarded-for"u8))
            {
                var hops = Encoding.ASCII.GetString(value);
                forwardedFor = forwardedFor is null ? hops : forwardedFor + "," + hops;
            }
            else if (Is(name, "content-length"u8) || Is(name, "transfer-encoding"u8))
            {
                // A GET upgrade with a body is not something a WebSocket client sends.
                return HandshakeParseResult.NotOurs;
            }
        }

        if (!host || !upgrade || !connection || !version || key is null)
        {
            return HandshakeParseResult.NotOurs;
        }

        request = new HandshakeRequest(headEnd + 4, path, key.Value, origin, forwardedFor, hostValue, query);
        return HandshakeParseResult.Upgrade;
    }

    /// <summary>Where <paramref name="part"/>, a slice of <paramref name="whole"/>, lies in it.</summary>
    private static Range Offset(ReadOnlySpan<byte> whole, ReadOnlySpan<byte> part)
    {
        var start = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(whole), ref MemoryMarshal.GetReference(part));
        return new Range(start, start + part.Length);
    }

    private static bool StartsLikeGet(ReadOnlySpan<byte> data)
    {
        var prefix = "GET /"u8;
        var length = Math.Min(data.Length, prefix.Length);
        return data[..length].SequenceEqual(prefix[..length]);
    }

    private static bool TryParseRequestLine(ReadOnlySpan<byte> line, IReadOnlyList<string> paths, out string path, out string query)
    {
        path = string.Empty;
        query = string.Empty;
        if (!line.StartsWith("GET "u8) || !line.EndsWith(" HTTP/1.1"u8))
        {
            return false;
        }

        var target = line[4..^9];
        var queryStart = target.IndexOf((byte)'?');
        var pathBytes = queryStart >= 0 ? target[..queryStart] : target;
        foreach (var b in target)
        {
            // Origin-form only, visible ASCII: no spaces, no control bytes, no absolute URIs.
            if (b <= 0x20 || b >= 0x7F)
            {
                return false;
            }
        }

        // Indexed, not foreach: enumerating the interface would allocate on every handshake.
        for (var i = 0; i < paths.Count; i++)
        {
            var candidate = paths[i];
            if (Encoding.ASCII.GetByteCount(candidate) == pathBytes.Length && Ascii.Equals(pathBytes, candidate))
            {
                path = candidate;
                query = queryStart >= 0 ? Encoding.ASCII.GetString(target[queryStart..]) : string.Empty;
                return true;
            }
        }

        return false;
    }

    private static bool TrySplitHeader(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = value = default;
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        name = line[..colon];
        foreach (var b in name)
        {
            if (!IsTokenChar(b))
            {
                // Also refuses obsolete line folding (a line starting with white space).
                return false;
            }
        }

        value = line[(colon + 1)..].Trim(" \t"u8);
        foreach (var b in value)
        {
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTokenChar(byte b) =>
        b > 0x20 && b < 0x7F && "\"(),/:;<=>?@[\\]{}"u8.IndexOf(b) < 0;

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> lowerCase) => Ascii.EqualsIgnoreCase(name, lowerCase);

    /// <summary>True when the comma-separated list <paramref name="value"/> contains <paramref name="token"/> (case-insensitive).</summary>
    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The key must be base64 of exactly 16 bytes (RFC 6455 §4.2.1, item 5).</summary>
    public static bool IsValidKey(ReadOnlySpan<byte> value)
    {
        if (value.Length != 24)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[18];
        return Base64.DecodeFromUtf8(value, decoded, out var consumed, out var written) == System.Buffers.OperationStatus.Done
            && consumed == 24 && written == 16;
    }
}
