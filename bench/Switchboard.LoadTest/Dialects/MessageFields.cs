using System.Text;
using System.Text.Json;

namespace Switchboard.LoadTest.Dialects;

/// <summary>Reads top-level string fields of a server message. Setup traffic only: it allocates.</summary>
internal static class MessageFields
{
    public static string? GetString(ReadOnlySpan<byte> message, string name)
    {
        try
        {
            var reader = new Utf8JsonReader(message);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(name);
                reader.Read();
                if (match && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: no such field.
        }

        return null;
    }

    public static string Describe(ReadOnlySpan<byte> message) =>
        message.Length <= 200 ? Encoding.UTF8.GetString(message) : Encoding.UTF8.GetString(message[..200]) + "…";
}
