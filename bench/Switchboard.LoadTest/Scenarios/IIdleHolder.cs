namespace Switchboard.LoadTest.Scenarios;

/// <summary>Holds a share of the idle connections, in this process or in a worker process.</summary>
internal interface IIdleHolder : IAsyncDisposable
{
    /// <summary>Connects this holder's share; completes when all are connected or have failed.</summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    IdleStatus Status { get; }

    /// <summary>Closes everything and reports.</summary>
    Task<IdleReport> StopAsync();
}
