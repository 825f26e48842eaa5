using System.Text.Json;

namespace Switchboard.Server.Protocol;

/// <summary>
/// Builds a relayed message from the sender's bytes: the original object, untouched, with the server's
/// <c>"from"</c> appended. Nothing is parsed into objects or re-serialised.
/// </summary>
internal static class RelayFormatter
{
    private static ReadOnlySpan<byte> FromProperty => "\"from\":\""u8;

    public static OutboundMessage Format(ReadOnlySpan<byte> message, in ParsedMessage parsed, ReadOnlySpan<byte> senderId)
    {
        if (parsed.HasFrom)
        {
            return FormatWithoutClientFrom(message, senderId);
        }

        // {...original properties...} -> {...original properties...,"from":"id"}
        var body = message[..parsed.ObjectEnd];
        var separator = parsed.HasProperties ? 1 : 0;
        var output = OutboundMessage.Rent(body.Length + separator + FromProperty.Length + senderId.Length + 2);
        var span = output.WritableSpan;
        body.CopyTo(span);
        var at = body.Length;
        if (separator == 1)
        {
            span[at++] = (byte)',';
        }

        AppendFrom(span[at..], senderId);
        return output;
    }

    // A client-supplied "from" would let one peer impersonate another, so the object is rebuilt from the
    // raw text of every other property. Rare: well-behaved clients never send "from".
    private static OutboundMessage FormatWithoutClientFrom(ReadOnlySpan<byte> message, ReadOnlySpan<byte> senderId)
    {
        var output = OutboundMessage.Rent(message.Length + FromProperty.Length + senderId.Length + 3);
        var span = output.WritableSpan;
        span[0] = (byte)'{';
        var at = 1;
        var reader = new Utf8JsonReader(message);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var isFrom = reader.ValueTextEquals("from"u8);
            reader.Read();
            reader.Skip();
            if (!isFrom)
            {
                var property = message[start..(int)reader.BytesConsumed];
                property.CopyTo(span[at..]);
                at += property.Length;
                span[at++] = (byte)',';
            }
        }

        at += AppendFrom(span[at..], senderId);
        output.Truncate(at);
        return output;
    }

    private static int AppendFrom(Span<byte> destination, ReadOnlySpan<byte> senderId)
    {
        FromProperty.CopyTo(destination);
        var at = FromProperty.Length;
        senderId.CopyTo(destination[at..]);
        at += senderId.Length;
        destination[at++] = (byte)'"';
        destination[at++] = (byte)'}';
        return at;
    }
}
