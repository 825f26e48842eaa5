using System.Text.Json;

namespace Switchboard.Server.Protocol;

/// <summary>
/// Reads one message with <see cref="Utf8JsonReader"/>: validates the whole text as JSON, and records where
/// <c>type</c>, <c>roomId</c> and <c>to</c> are so the relay can forward the original bytes untouched.
/// </summary>
internal static class MessageParser
{
    /// <summary>Nesting deeper than this is refused as <c>bad-json</c>; signaling payloads are shallow.</summary>
    public const int MaxDepth = 32;

    private static readonly JsonReaderOptions _readerOptions = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public static ParsedMessage Parse(ReadOnlySpan<byte> message)
    {
        var result = default(ParsedMessage);
        var reader = new Utf8JsonReader(message, isFinalBlock: true, new JsonReaderState(_readerOptions));
        try
        {
            if (!reader.Read())
            {
                return Fail(ParseStatus.BadJson, null);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Read to the end so invalid JSON is reported as such rather than as "not an object".
                reader.Skip();
                while (reader.Read())
                {
                }

                return Fail(ParseStatus.BadMessage, "a message must be a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                result.HasProperties = true;
                if (reader.ValueTextEquals("type"u8))
                {
                    ReadString(ref reader, ref result, ref result.Type, "type");
                }
                else if (reader.ValueTextEquals("roomId"u8))
                {
                    ReadString(ref reader, ref result, ref result.RoomId, "roomId");
                }
                else if (reader.ValueTextEquals("to"u8))
                {
                    ReadString(ref reader, ref result, ref result.To, "to");
                }
                else if (reader.ValueTextEquals("capacity"u8))
                {
                    ReadCapacity(ref reader, ref result);
                }
                else
                {
                    if (reader.ValueTextEquals("from"u8))
                    {
                        result.HasFrom = true;
                    }

                    reader.Read();
                    reader.Skip();
                }
            }

            result.ObjectEnd = (int)reader.TokenStartIndex;

            // Anything after the object but white space makes the reader throw.
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return Fail(ParseStatus.BadJson, null);
        }

        if (result.Status != ParseStatus.Ok)
        {
            return result;
        }

        if (!result.Type.IsPresent)
        {
            return Fail(ParseStatus.BadMessage, "a message needs a string \"type\"");
        }

        if (result.Type.Length == 0)
        {
            return Fail(ParseStatus.BadMessage, "\"type\" must not be empty");
        }

        result.Kind = Classify(result.Type, message);
        if (result.Kind == MessageKind.Reserved)
        {
            return Fail(ParseStatus.BadMessage, "this \"type\" is reserved for messages from the server");
        }

        return result;
    }

    private static MessageKind Classify(JsonField type, ReadOnlySpan<byte> message)
    {
        Span<byte> unescaped = stackalloc byte[16];
        scoped ReadOnlySpan<byte> name;
        if (type.IsEscaped)
        {
            var text = type.GetString(message);
            if (text.Length > unescaped.Length || !System.Text.Encoding.UTF8.TryGetBytes(text, unescaped, out var written))
            {
                return MessageKind.Relay;
            }

            name = unescaped[..written];
        }
        else
        {
            name = type.Raw(message);
        }

        return name switch
        {
            _ when name.SequenceEqual("offer"u8) => MessageKind.Offer,
            _ when name.SequenceEqual("createRoom"u8) => MessageKind.CreateRoom,
            _ when name.SequenceEqual("join"u8) => MessageKind.Join,
            _ when name.SequenceEqual("leave"u8) => MessageKind.Leave,
            _ when name.SequenceEqual("ping"u8) => MessageKind.Ping,
            _ when name.SequenceEqual("auth"u8) => MessageKind.Auth,
            _ when name.SequenceEqual("iceServers"u8) => MessageKind.IceServers,
            _ when name.SequenceEqual("resume"u8) => MessageKind.Resume,
            _ when name.SequenceEqual("roomCreated"u8)
                || name.SequenceEqual("joined"u8)
                || name.SequenceEqual("left"u8)
                || name.SequenceEqual("peerJoined"u8)
                || name.SequenceEqual("peerLeft"u8)
                || name.SequenceEqual("pong"u8)
                || name.SequenceEqual("error"u8)
                || name.SequenceEqual("authenticated"u8)
                || name.SequenceEqual("resumed"u8)
                || name.SequenceEqual("peerDisconnected"u8)
                || name.SequenceEqual("peerReconnected"u8) => MessageKind.Reserved,
            _ => MessageKind.Relay,
        };
    }

    private static void ReadString(ref Utf8JsonReader reader, ref ParsedMessage result, ref JsonField field, string name)
    {
        reader.Read();
        if (field.IsPresent)
        {
            Reject(ref result, $"\"{name}\" appears more than once");
        }
        else if (reader.TokenType != JsonTokenType.String)
        {
            Reject(ref result, $"\"{name}\" must be a string");
        }
        else
        {
            // TokenStartIndex is the opening quote; the message is one contiguous span, so ValueSpan is in place.
            field = new JsonField((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped);

            // JSON lets "\ud800" stand alone, but it decodes to no text: checked here, once, so that routing can
            // unescape the field later without the reader throwing. Only escaped values pay for the scan.
            if (reader.ValueIsEscaped && JsonField.ContainsUnpairedSurrogate(reader.ValueSpan))
            {
                Reject(ref result, $"\"{name}\" is not valid text: it contains an unpaired surrogate escape");
            }
        }

        reader.Skip();
    }

    private static void ReadCapacity(ref Utf8JsonReader reader, ref ParsedMessage result)
    {
        // Only createRoom gives "capacity" a meaning; elsewhere it is an opaque field and is relayed as is.
        reader.Read();
        if (result.Capacity.HasValue || result.CapacityInvalid)
        {
            result.CapacityInvalid = true;
        }
        else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var capacity))
        {
            result.Capacity = capacity;
        }
        else
        {
            result.CapacityInvalid = true;
        }

        reader.Skip();
    }

    private static void Reject(ref ParsedMessage result, string problem)
    {
        // The first problem is the one reported; the rest of the text is still validated as JSON.
        if (result.Status == ParseStatus.Ok)
        {
            result.Status = ParseStatus.BadMessage;
            result.Problem = problem;
        }
    }

    private static ParsedMessage Fail(ParseStatus status, string? problem) => new() { Status = status, Problem = problem };
}
