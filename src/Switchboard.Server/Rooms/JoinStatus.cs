namespace Switchboard.Server.Rooms;

internal enum JoinStatus
{
    Joined,
    AlreadyMember,
    NotFound,
    Full,
    TooManyRooms,
}
