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
}
