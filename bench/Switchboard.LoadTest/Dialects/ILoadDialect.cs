using Switchboard.LoadTest.Net;
using Switchboard.LoadTest.Targets;

namespace Switchboard.LoadTest.Dialects;

/// <summary>What the load generator needs to know of one server's protocol.</summary>
internal interface ILoadDialect
{
    ServerKind Kind { get; }

    /// <summary>Largest room the server supports (2 when it has only pairs).</summary>
    int MaxRoomSize { get; }

    /// <summary>A message the client must send periodically to stay connected, with its period; null when the server keeps connections alive itself.</summary>
    (ReadOnlyMemory<byte> Message, TimeSpan Interval)? Heartbeat { get; }

    /// <summary>
    /// The tutorial's whole call setup, as each server does it: connect two clients, create a room, join it
    /// with an offer, and wait until the offer has been relayed to the creator.
    /// </summary>
    Task<ClientPair> PairAsync(ClientConnector connector, SetupMessages messages, CancellationToken cancellationToken);

    /// <summary>Connects <paramref name="size"/> clients into one room. Only servers with N-party rooms.</summary>
    Task<ClientGroup> GroupAsync(ClientConnector connector, int size, CancellationToken cancellationToken);

    /// <summary>A candidate-like message of <paramref name="size"/> bytes from <paramref name="from"/> to the other member.</summary>
    RelayTemplate RelayTemplate(ClientPair pair, LoadClient from, int size);

    /// <summary>A message from a group's creator to the rest of its room.</summary>
    RelayTemplate BroadcastTemplate(ClientGroup group, int size);
}
