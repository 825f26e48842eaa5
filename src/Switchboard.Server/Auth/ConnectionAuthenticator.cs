using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Server.Connections;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Auth;

/// <summary>
/// The authentication gate, the same for both ways in because it sits above them: a connection's first
/// token (from the upgrade's <c>access_token</c> or a first <c>auth</c> message), its refreshes, what its
/// token allows, and the two deadlines (<see cref="AuthOptions.Timeout"/> and the token's <c>exp</c>),
/// checked from <see cref="PeerConnection.Sweep"/>: no timer per connection. A refusal is
/// <c>unauthorized</c> and close 1008. Nothing here logs or echoes a token.
/// </summary>
internal sealed partial class ConnectionAuthenticator
{
    private readonly AuthOptions _options;
    private readonly JwtTokenValidator? _validator;
    private readonly TimeProvider _time;
    private readonly SwitchboardMetrics _metrics;
    private readonly ILogger _logger;

    public ConnectionAuthenticator(IOptions<SwitchboardOptions> options, TimeProvider time, SwitchboardMetrics metrics, ILogger<ConnectionAuthenticator> logger)
    {
        _options = options.Value.Auth;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        if (_options.Enabled)
        {
            _validator = new JwtTokenValidator(_options.Jwt, time);
        }
    }

    public bool Enabled => _validator is not null;

    /// <summary>
    /// The state a new connection keeps, or null when authentication is off. A token in
    /// <paramref name="query"/> is checked now; its outcome is told once the connection has started.
    /// </summary>
    public ConnectionAuth? ForNewConnection(string? query)
    {
        if (_validator is null)
        {
            return null;
        }

        var auth = new ConnectionAuth(After(_options.Timeout));
        var token = AccessTokenQuery.Find(query, out var duplicated);
        if (duplicated)
        {
            auth.QueryFailure = $"{AccessTokenQuery.Parameter} appears more than once";
        }
        else if (token is not null)
        {
            var check = _validator.Validate(token);
            if (check.Grant is { } grant)
            {
                auth.Accept(grant, ExpiryDeadline(grant));
            }
            else
            {
                auth.QueryFailure = check.Failure;
            }
        }

        return auth;
    }

    /// <summary>The connection can speak: it hears how its query token fared.</summary>
    public void OnStarted(PeerConnection connection, ConnectionAuth auth)
    {
        if (auth.QueryFailure is { } failure)
        {
            Refuse(connection, failure);
        }
        else if (auth.Grant is { } grant)
        {
            Log.Authenticated(_logger, connection.Id, grant.ExpiresAt);
            connection.SendOwned(ServerMessages.Authenticated(grant.ExpiresAt, grant.Identity));
        }
    }

    /// <summary>
    /// Whether the dialect may go on with this message. An <c>auth</c> message is handled here (first token
    /// or refresh); before the first token, anything else is refused and the connection closed.
    /// </summary>
    public bool Admit(PeerConnection connection, ConnectionAuth auth, in ParsedMessage parsed, ReadOnlySpan<byte> message)
    {
        if (parsed.Status == ParseStatus.Ok && parsed.Kind == MessageKind.Auth)
        {
            Authenticate(connection, auth, message);
            return false;
        }

        return AdmitBinary(connection, auth);
    }

    /// <summary>A binary message (and any message but <c>auth</c>): refused before the first token.</summary>
    public bool AdmitBinary(PeerConnection connection, ConnectionAuth auth)
    {
        if (!auth.IsAuthenticated)
        {
            Refuse(connection, "authenticate first: the first message must be {\"type\":\"auth\",\"token\":…}");
            return false;
        }

        return true;
    }

    /// <summary>True (and the client told) when the token forbids creating rooms. The connection stays open.</summary>
    public bool RefusesCreate(PeerConnection connection, ConnectionAuth auth)
    {
        if (auth.Grant is { CanCreate: true })
        {
            return false;
        }

        Deny(connection, "your token does not allow creating rooms");
        return true;
    }

    /// <summary>True (and the client told) when the token does not list this room. Checked before the room is looked up, so it tells nothing about which rooms exist.</summary>
    public bool RefusesJoin(PeerConnection connection, ConnectionAuth auth, ReadOnlySpan<byte> message, in JsonField roomId)
    {
        var allowed = roomId.IsEscaped
            ? auth.MayJoin(System.Text.Encoding.UTF8.GetBytes(roomId.GetString(message)))
            : auth.MayJoin(roomId.Raw(message));
        if (allowed)
        {
            return false;
        }

        Deny(connection, "your token does not allow joining this room");
        return true;
    }

    /// <summary>From <see cref="PeerConnection.Sweep"/>: closes a connection past its deadline; true when it did.</summary>
    public bool Sweep(PeerConnection connection, ConnectionAuth auth, long now)
    {
        if (now < auth.Deadline)
        {
            return false;
        }

        if (auth.Grant is { } grant)
        {
            Log.TokenExpired(_logger, connection.Id, grant.ExpiresAt);
            Close(connection, "your token has expired: refresh it with an auth message before exp");
        }
        else
        {
            Log.AuthTimedOut(_logger, connection.Id, _options.Timeout);
            Close(connection, $"no token within {_options.Timeout.TotalSeconds:0.###} s");
        }

        return true;
    }

    private void Authenticate(PeerConnection connection, ConnectionAuth auth, ReadOnlySpan<byte> message)
    {
        var token = AuthMessage.ReadToken(message, out var problem);
        if (token is null)
        {
            Refuse(connection, problem!);
            return;
        }

        var check = _validator!.Validate(token);
        if (check.Grant is not { } grant)
        {
            Refuse(connection, check.Failure!);
            return;
        }

        if (auth.Grant is { } previous && !SameIdentity(previous.Identity, grant.Identity))
        {
            // Others were told who this is when it joined; a refresh cannot turn it into someone else.
            Refuse(connection, "a refreshed token must carry the same sub and sb:name as the first");
            return;
        }

        auth.Accept(grant, ExpiryDeadline(grant));
        Log.Authenticated(_logger, connection.Id, grant.ExpiresAt);
        connection.SendOwned(ServerMessages.Authenticated(grant.ExpiresAt, grant.Identity));
    }

    private static bool SameIdentity(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private void Refuse(PeerConnection connection, string reason)
    {
        Log.AuthFailed(_logger, connection.Id, reason);
        Close(connection, reason);
    }

    private void Close(PeerConnection connection, string reason)
    {
        _metrics.CountError(ErrorCodes.Unauthorized);
        connection.SendOwned(ServerMessages.Error(ErrorCodes.Unauthorized, reason));
        connection.NoteCloseReason(CloseReason.Unauthorized);
        connection.RequestClose(WebSocketCloseStatus.PolicyViolation, "unauthorized");
    }

    private void Deny(PeerConnection connection, string reason)
    {
        Log.AuthDenied(_logger, connection.Id, reason);
        _metrics.CountError(ErrorCodes.Unauthorized);
        connection.SendOwned(ServerMessages.Error(ErrorCodes.Unauthorized, reason));
    }

    /// <summary>The timestamp at which the grant's token stops being accepted: its exp plus the clock skew.</summary>
    private long ExpiryDeadline(AuthGrant grant) => After(grant.ExpiresAt + _options.Jwt.ClockSkew - _time.GetUtcNow());

    private long After(TimeSpan span) =>
        _time.GetTimestamp() + (long)(Math.Max(span.TotalSeconds, 0) * _time.TimestampFrequency);

    private static partial class Log
    {
        [LoggerMessage(150, LogLevel.Information, "Peer {PeerId} was refused: {Reason}; closing with 1008", EventName = "AuthFailed")]
        public static partial void AuthFailed(ILogger logger, string peerId, string reason);

        [LoggerMessage(151, LogLevel.Debug, "Peer {PeerId} authenticated; its token is valid until {Expires:u}", EventName = "Authenticated")]
        public static partial void Authenticated(ILogger logger, string peerId, DateTimeOffset expires);

        [LoggerMessage(152, LogLevel.Information, "Peer {PeerId} sent no token within {Timeout}; closing with 1008", EventName = "AuthTimedOut")]
        public static partial void AuthTimedOut(ILogger logger, string peerId, TimeSpan timeout);

        [LoggerMessage(153, LogLevel.Information, "Peer {PeerId}: its token expired at {Expires:u} and was not refreshed; closing with 1008", EventName = "TokenExpired")]
        public static partial void TokenExpired(ILogger logger, string peerId, DateTimeOffset expires);

        [LoggerMessage(154, LogLevel.Debug, "Peer {PeerId} was denied: {Reason}", EventName = "AuthDenied")]
        public static partial void AuthDenied(ILogger logger, string peerId, string reason);
    }
}
