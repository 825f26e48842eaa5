namespace Switchboard.Server.Protocol;

/// <summary>The stable <c>code</c> values of <c>error</c> messages (docs/protocol.md, "Errors").</summary>
internal static class ErrorCodes
{
    public const string BadJson = "bad-json";
    public const string BadMessage = "bad-message";
    public const string RoomNotFound = "room-not-found";
    public const string RoomFull = "room-full";
    public const string NotInRoom = "not-in-room";
    public const string PeerNotFound = "peer-not-found";
    public const string TooManyRooms = "too-many-rooms";

    /// <summary>Over a limit: the message was refused; the error says after how long (<c>retryAfterMs</c>) to try again.</summary>
    public const string RateLimited = "rate-limited";

    /// <summary>
    /// Authentication is required and the token was missing, expired or badly signed (the connection is then
    /// closed with 1008), or the token does not allow this action (the connection stays open).
    /// </summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>A relayed message for a member that is away (reconnecting) whose buffer is full: it was not kept.</summary>
    public const string PeerUnavailable = "peer-unavailable";

    /// <summary>A resume token that is unknown, used, expired, or not this identity's: the connection stays usable.</summary>
    public const string ResumeFailed = "resume-failed";

    /// <summary>Every code, in a fixed order: <c>switchboard_errors_total</c> counts by index into it.</summary>
    public static readonly string[] All = [BadJson, BadMessage, RoomNotFound, RoomFull, NotInRoom, PeerNotFound, TooManyRooms, RateLimited, Unauthorized, PeerUnavailable, ResumeFailed];

    /// <summary>Where <paramref name="code"/> is in <see cref="All"/>.</summary>
    public static int IndexOf(string code) => Array.IndexOf(All, code);
}
