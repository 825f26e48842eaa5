namespace Switchboard.LoadTest.Coordination;

/// <summary>What a worker's line says.</summary>
internal enum WorkerMessageKind
{
    /// <summary>Progress while connecting and holding.</summary>
    Status,

    /// <summary>Every connection of the worker's share is open (or has failed).</summary>
    Connected,

    /// <summary>The worker closed its connections; the report is final.</summary>
    Done,

    /// <summary>The worker failed; it exits after this.</summary>
    Failed,
}
