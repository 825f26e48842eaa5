using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Switchboard.Server.Protocol;

/// <summary>
/// Where a string value sits inside the received message: routing compares the raw UTF-8 bytes in place
/// instead of allocating a string per message. Escaped values (rare) are decoded on demand.
/// </summary>
internal readonly struct JsonField
{
    public JsonField(int start, int length, bool escaped)
    {
        Start = start;
        Length = length;
        IsEscaped = escaped;
        IsPresent = true;
    }

    public int Start { get; }

    public int Length { get; }

    public bool IsEscaped { get; }

    public bool IsPresent { get; }

    public ReadOnlySpan<byte> Raw(ReadOnlySpan<byte> message) => message.Slice(Start, Length);

    /// <remarks>
    /// Cannot throw for a field <see cref="MessageParser"/> accepted: it refuses escaped values that contain an
    /// unpaired surrogate, the one valid JSON string that <see cref="Utf8JsonReader.GetString"/> rejects.
    /// </remarks>
    public string GetString(ReadOnlySpan<byte> message)
    {
        if (!IsEscaped)
        {
            return Encoding.UTF8.GetString(Raw(message));
        }

        // Re-read the value with its quotes so the reader does the unescaping.
        var reader = new Utf8JsonReader(message.Slice(Start - 1, Length + 2));
        reader.Read();
        return reader.GetString()!;
    }

    /// <summary>True when the value equals <paramref name="utf8"/> after unescaping.</summary>
    public bool ValueEquals(ReadOnlySpan<byte> message, ReadOnlySpan<byte> utf8)
    {
        if (!IsEscaped)
        {
            return Raw(message).SequenceEqual(utf8);
        }

        return Encoding.UTF8.GetBytes(GetString(message)).AsSpan().SequenceEqual(utf8);
    }

    /// <summary>
    /// True when <paramref name="escaped"/>, a string value as it appears between its quotes, has a <c>\u</c>
    /// escape of a surrogate that is not part of a high-low pair, and so does not unescape to valid UTF-16.
    /// </summary>
    /// <remarks>The value must already have been read by <see cref="Utf8JsonReader"/>, which checks the escapes' syntax.</remarks>
    public static bool ContainsUnpairedSurrogate(ReadOnlySpan<byte> escaped)
    {
        var expectLow = false;
        var i = 0;
        while (i < escaped.Length)
        {
            if (escaped[i] != (byte)'\\' || escaped[i + 1] != (byte)'u')
            {
                if (expectLow)
                {
                    return true;
                }

                // A backslash starts a two-byte escape; anything else is text up to the next backslash.
                var next = escaped[i] == (byte)'\\' ? 2 : escaped[i..].IndexOf((byte)'\\');
                if (next < 0)
                {
                    return false;
                }

                i += next;
                continue;
            }

            // The reader has already checked that four hex digits follow; a failure here would be a reader bug.
            if (!Utf8Parser.TryParse(escaped.Slice(i + 2, 4), out ushort unit, out _, 'x'))
            {
                return true;
            }

            i += 6;
            if (char.IsLowSurrogate((char)unit) != expectLow)
            {
                return true;
            }

            expectLow = char.IsHighSurrogate((char)unit);
        }

        return expectLow;
    }
}
