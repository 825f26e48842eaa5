using Switchboard.LoadTest.Scenarios;

namespace Switchboard.LoadTest.Coordination;

/// <summary>One line a worker process writes on its standard output.</summary>
internal sealed record WorkerMessage(WorkerMessageKind Kind, IdleStatus? Status = null, IdleReport? Report = null, string? Error = null);
