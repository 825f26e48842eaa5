using System.Text.Json;

namespace Switchboard.Server.Auth;

/// <summary>Reads the token from <c>{"type":"auth","token":"…"}</c> (the parser has already checked the JSON).</summary>
internal static class AuthMessage
{
    /// <summary>The <c>token</c> string, or null with <paramref name="problem"/> saying what is wrong.</summary>
    public static string? ReadToken(ReadOnlySpan<byte> message, out string? problem)
    {
        problem = null;
        string? token = null;
        var reader = new Utf8JsonReader(message);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isToken = reader.ValueTextEquals("token"u8);
            reader.Read();
            if (isToken)
            {
                if (token is not null || reader.TokenType != JsonTokenType.String)
                {
                    problem = "\"token\" must be one string";
                    return null;
                }

                token = reader.GetString();
            }

            reader.Skip();
        }

        if (token is null)
        {
            problem = "an auth message needs a string \"token\"";
        }

        return token;
    }
}
