using System.Buffers;
using System.Text.Json;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Auth;

/// <summary>The server's answer to a good token (docs/protocol.md, "Authentication").</summary>
internal static class AuthMessages
{
    /// <summary><c>{"type":"authenticated","exp":…,"identity":{…}}</c>: exp in Unix seconds, as in the token, so a client knows when to refresh.</summary>
    public static OutboundMessage Authenticated(AuthGrant grant)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "authenticated"u8);
            writer.WriteNumber("exp"u8, grant.ExpiresAt.ToUnixTimeSeconds());
            if (grant.Identity is { } identity)
            {
                writer.WritePropertyName("identity"u8);
                writer.WriteRawValue(identity, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return OutboundMessage.CopyOf(buffer.WrittenSpan);
    }
}
