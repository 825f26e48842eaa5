using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Switchboard.Server.Auth;

/// <summary>
/// Checks a token against <see cref="JwtOptions"/> with Microsoft.IdentityModel.JsonWebTokens and reads
/// Switchboard's claims from it. Time comes from the server's <see cref="TimeProvider"/>. Synchronous:
/// with keys given up front the library never waits (no metadata to fetch), so it is safe on an epoll
/// thread; an RS256 or ES256 check costs tens of microseconds.
/// </summary>
internal sealed class JwtTokenValidator
{
    /// <summary>Longest token looked at: far beyond any real one (a few hundred bytes to a few kB), and checked before parsing.</summary>
    public const int MaxTokenLength = 8 * 1024;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public JwtTokenValidator(JwtOptions options, TimeProvider timeProvider)
    {
        var keys = options.SigningKeys.Select(SigningKeyReader.Read).ToList();
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = keys.Select(k => k.Key).ToList(),

            // Rotation: a token is tried against every configured key, with or without a kid.
            TryAllIssuerSigningKeys = true,
            ValidAlgorithms = keys.Select(k => k.Algorithm).Distinct().ToList(),
            ClockSkew = options.ClockSkew,

            // The library reads the system clock; the server's TimeProvider decides instead, as for every other deadline.
            LifetimeValidator = (notBefore, expires, _, parameters) => ValidateLifetime(notBefore, expires, parameters.ClockSkew, timeProvider.GetUtcNow().UtcDateTime),
        };
    }

    public TokenCheck Validate(string token)
    {
        if (token.Length == 0)
        {
            return TokenCheck.Fail("the token is empty");
        }

        if (token.Length > MaxTokenLength)
        {
            return TokenCheck.Fail("the token is too long");
        }

        TokenValidationResult result;
        try
        {
            // Completes synchronously: every key is given up front, so nothing is fetched (no ConfigurationManager).
            var validation = _handler.ValidateTokenAsync(token, _parameters);
            if (!validation.IsCompleted)
            {
                return TokenCheck.Fail("the token could not be checked");
            }

            result = validation.Result;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or FormatException or JsonException)
        {
            return TokenCheck.Fail("the token is malformed");
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return TokenCheck.Fail(Describe(result.Exception));
        }

        return ReadClaims(jwt);
    }

    /// <summary>Why, in words for the client and the log: the library's own messages may quote the token's parts.</summary>
    private static string Describe(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenNoExpirationException => "the token has no expiry (exp)",
        SecurityTokenInvalidAudienceException => "the token is for another audience",
        SecurityTokenInvalidIssuerException => "the token is from another issuer",
        SecurityTokenInvalidAlgorithmException => "the token is signed with an algorithm this server does not accept",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not match any configured key",
        SecurityTokenInvalidLifetimeException => "the token's lifetime is invalid",
        SecurityTokenMalformedException or ArgumentException => "the token is malformed",
        _ => "the token is not valid",
    };

    private static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew, DateTime now)
    {
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException("no exp");
        }

        if (notBefore is { } nbf && nbf - skew > now)
        {
            throw new SecurityTokenNotYetValidException("nbf is in the future") { NotBefore = nbf };
        }

        if (exp + skew <= now)
        {
            throw new SecurityTokenExpiredException("exp has passed") { Expires = exp };
        }

        return true;
    }

    private static TokenCheck ReadClaims(JsonWebToken jwt)
    {
        // Read from the payload's own JSON: exact types (a "false" string is not false), and no reflection.
        using var document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var payload = document.RootElement;
        var canCreate = true;
        if (payload.TryGetProperty(AuthClaims.Create, out var create))
        {
            if (create.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return TokenCheck.Fail($"the token's {AuthClaims.Create} claim must be true or false");
            }

            canCreate = create.ValueKind == JsonValueKind.True;
        }

        byte[][]? rooms = null;
        if (payload.TryGetProperty(AuthClaims.Rooms, out var list))
        {
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > AuthClaims.MaxRooms)
            {
                return TokenCheck.Fail($"the token's {AuthClaims.Rooms} claim must be an array of at most {AuthClaims.MaxRooms} room ids");
            }

            rooms = new byte[list.GetArrayLength()][];
            var i = 0;
            foreach (var room in list.EnumerateArray())
            {
                if (room.ValueKind != JsonValueKind.String)
                {
                    return TokenCheck.Fail($"the token's {AuthClaims.Rooms} claim must list room ids as strings");
                }

                rooms[i++] = Encoding.UTF8.GetBytes(room.GetString()!);
            }
        }

        if (!TryReadLabel(payload, AuthClaims.Subject, out var subject) || !TryReadLabel(payload, AuthClaims.Name, out var name))
        {
            return TokenCheck.Fail($"the token's {AuthClaims.Subject} and {AuthClaims.Name} must be strings of at most {AuthClaims.MaxIdentityLength} characters");
        }

        return new TokenCheck(new AuthGrant(jwt.ValidTo == DateTime.MinValue ? DateTimeOffset.MinValue : new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), canCreate, rooms, FormatIdentity(subject, name)), null);
    }

    private static bool TryReadLabel(JsonElement payload, string claim, out string? value)
    {
        value = null;
        if (!payload.TryGetProperty(claim, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return value!.Length <= AuthClaims.MaxIdentityLength;
    }

    private static byte[]? FormatIdentity(string? subject, string? name)
    {
        if (subject is null && name is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (subject is not null)
            {
                writer.WriteString("sub"u8, subject);
            }

            if (name is not null)
            {
                writer.WriteString("name"u8, name);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
