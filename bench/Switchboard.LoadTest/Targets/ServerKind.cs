namespace Switchboard.LoadTest.Targets;

/// <summary>The servers the load generator speaks to, each with its own protocol.</summary>
internal enum ServerKind
{
    /// <summary>Switchboard's native protocol (docs/protocol.md).</summary>
    Switchboard,

    /// <summary>The tutorial's server (bench/peers/tutorial-server): the seed protocol, 2-party rooms only, no <c>from</c>.</summary>
    Tutorial,

    /// <summary>peerjs-server (spec/PEERJS.md): no rooms, messages addressed with <c>dst</c>.</summary>
    PeerJs,
}
