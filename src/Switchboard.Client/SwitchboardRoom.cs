namespace Switchboard.Client;

/// <summary>A room the client is a member of, as last told by the server.</summary>
/// <param name="RoomId">The room's id.</param>
/// <param name="Capacity">How many members the room takes.</param>
/// <param name="Peers">The other members, oldest first.</param>
public sealed record SwitchboardRoom(string RoomId, int Capacity, IReadOnlyList<string> Peers);
