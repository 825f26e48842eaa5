using System.Text.Json;

namespace Switchboard.Server.Auth;

/// <summary>Reads the token from <c>{"type":"auth","token":"…"}</c> or <c>{"type":"resume","token":"…"}</c> (the parser has already checked the JSON).</summary>
internal static class AuthMessage
{
    /// <summary>The <c>token</c> string, or null with <paramref name="problem"/> saying what is wrong.</summary>
    /// <param name="message">The whole message.</param>
    /// <param name="problem">What is wrong when there is no token, in words for the client.</param>
    /// <param name="type">The message's type, for <paramref name="problem"/>.</param>
    public static string? ReadToken(ReadOnlySpan<byte> message, out string? problem, string type = "auth")
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
            problem = $"a \"{type}\" message needs a string \"token\"";
        }

        return token;
    }
}
