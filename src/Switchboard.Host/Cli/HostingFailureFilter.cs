namespace Switchboard.Host.Cli;

/// <summary>
/// Holds back the host's own "Hosting failed to start" error (a multi-line entry with a stack trace)
/// until the server has started: a failed start is reported as one line by <see cref="StartupFailure"/>
/// instead. Once started, the host's errors (e.g. a background service that failed) are logged as always.
/// </summary>
internal sealed class HostingFailureFilter : IHostedLifecycleService
{
    public const string Category = "Microsoft.Extensions.Hosting.Internal.Host";

    private volatile bool _started;

    /// <summary>This filter replaces the configured level for <see cref="Category"/>, so it applies the usual Information floor itself.</summary>
    public bool Allows(LogLevel level) => level >= LogLevel.Information && (_started || level < LogLevel.Error);

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _started = true;
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
