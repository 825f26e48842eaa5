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

    /// <summary>Every code, in a fixed order: <c>switchboard_errors_total</c> counts by index into it.</summary>
    public static readonly string[] All = [BadJson, BadMessage, RoomNotFound, RoomFull, NotInRoom, PeerNotFound, TooManyRooms];

    /// <summary>Where <paramref name="code"/> is in <see cref="All"/>.</summary>
    public static int IndexOf(string code) => Array.IndexOf(All, code);
}
