namespace Switchboard.IntegrationTests.Robustness;

/// <summary>
/// One step of a random session: which client acts, and how. <see cref="Room"/> and <see cref="Peer"/>
/// pick among the rooms and peers the session has seen so far (modulo their count plus one, the extra one
/// meaning an id that does not exist), so a step stays meaningful however the steps before it went.
/// </summary>
public readonly record struct SessionStep(int Client, SessionStepKind Kind, int Room, int Peer, int Variant)
{
    public override string ToString() => $"{Kind}(client {Client}, room {Room}, peer {Peer}, variant {Variant})";
}
