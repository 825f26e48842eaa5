using Switchboard.LoadTest.Net;

namespace Switchboard.LoadTest.Dialects;

/// <summary>Two clients that can relay to each other: a room of two, or (PeerJS) two registered ids.</summary>
internal sealed record ClientPair(LoadClient First, LoadClient Second, string? RoomId);
