using Switchboard.LoadTest.Net;

namespace Switchboard.LoadTest.Dialects;

/// <summary>A room of several clients; <see cref="Members"/>[0] created it.</summary>
internal sealed record ClientGroup(IReadOnlyList<LoadClient> Members, string RoomId);
