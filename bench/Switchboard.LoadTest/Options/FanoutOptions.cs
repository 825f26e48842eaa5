namespace Switchboard.LoadTest.Options;

/// <summary>The fan-out scenario: rooms of N where one member sends to all the others (Switchboard only).</summary>
internal sealed class FanoutOptions
{
    /// <summary>Members per room, sender included. Default 8.</summary>
    public int RoomSize { get; set; } = 8;

    /// <summary>Rooms, each with one message in flight. Default 10.</summary>
    public int Rooms { get; set; } = 10;

    /// <summary>Size of each message as sent, in bytes. Default 200.</summary>
    public int PayloadBytes { get; set; } = 200;
}
