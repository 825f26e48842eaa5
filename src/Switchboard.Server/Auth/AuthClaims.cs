namespace Switchboard.Server.Auth;

/// <summary>The claims Switchboard reads from a token besides the standard ones (docs/auth.md).</summary>
internal static class AuthClaims
{
    /// <summary>Boolean: <c>false</c> forbids <c>createRoom</c>. Absent: the token may create rooms.</summary>
    public const string Create = "sb:create";

    /// <summary>Array of room ids: the only rooms the token may join. Absent: any room.</summary>
    public const string Rooms = "sb:rooms";

    /// <summary>String: the name the other members of a room see, beside <c>sub</c>.</summary>
    public const string Name = "sb:name";

    /// <summary>The standard subject: who the backend says this is; shown to the other members too.</summary>
    public const string Subject = "sub";

    /// <summary>Longest <c>sub</c> or <c>sb:name</c> shown to others: an identity is a label, not a payload.</summary>
    public const int MaxIdentityLength = 256;

    /// <summary>Most entries in <c>sb:rooms</c> (a connection may be in at most <see cref="SwitchboardOptions.MaxRoomsPerConnection"/> anyway).</summary>
    public const int MaxRooms = 1024;
}
