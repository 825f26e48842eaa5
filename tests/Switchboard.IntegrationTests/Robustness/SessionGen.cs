using CsCheck;

namespace Switchboard.IntegrationTests.Robustness;

/// <summary>Generators of random sessions for <see cref="RandomSessionPropertyTests"/>.</summary>
internal static class SessionGen
{
    public const int Clients = 3;

    /// <summary>Weighted so that most steps are real signaling (rooms fill, relays flow) and the rest is abuse.</summary>
    public static readonly Gen<SessionStepKind> Kind = Gen.Frequency(
        (6, Gen.Const(SessionStepKind.CreateRoom)),
        (8, Gen.Const(SessionStepKind.Join)),
        (3, Gen.Const(SessionStepKind.Leave)),
        (5, Gen.Const(SessionStepKind.Offer)),
        (8, Gen.Const(SessionStepKind.RelayToRoom)),
        (6, Gen.Const(SessionStepKind.RelayToPeer)),
        (1, Gen.Const(SessionStepKind.Ping)),
        (6, Gen.Const(SessionStepKind.Garbage)),
        (1, Gen.Const(SessionStepKind.Binary)),
        (1, Gen.Const(SessionStepKind.InvalidUtf8)),
        (2, Gen.Const(SessionStepKind.Vanish)),
        (1, Gen.Const(SessionStepKind.Close)));

    public static readonly Gen<SessionStep> Step =
        Gen.Select(Gen.Int[0, Clients - 1], Kind, Gen.Int[0, 15], Gen.Int[0, 15], Gen.Int[0, 63], (client, kind, room, peer, variant) => new SessionStep(client, kind, room, peer, variant));

    /// <summary>A session of 5 to 40 steps.</summary>
    public static readonly Gen<SessionStep[]> Session = Step.Array[5, 40];
}
