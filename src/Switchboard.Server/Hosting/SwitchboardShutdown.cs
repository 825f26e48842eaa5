using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Server.Admission;
using Switchboard.Server.Connections;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Hosting;

/// <summary>
/// A restart nobody notices: when the host begins to stop (SIGTERM, SIGINT), before Kestrel stops
/// listening, the server turns not-ready (<c>/readyz</c> 503, new upgrades 503), tells every client 1012
/// (service restart) so each reconnects after a random delay, and waits up to
/// <see cref="SwitchboardOptions.DrainTimeout"/> for them to go; whoever is still there is dropped.
/// </summary>
internal sealed partial class SwitchboardShutdown : IHostedLifecycleService
{
    private static readonly TimeSpan _pollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ConnectionStore _connections;
    private readonly SwitchboardDrain _drain;
    private readonly SwitchboardOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SwitchboardShutdown> _logger;

    public SwitchboardShutdown(ConnectionStore connections, SwitchboardDrain drain, IOptions<SwitchboardOptions> options, TimeProvider time, ILogger<SwitchboardShutdown> logger)
    {
        _connections = connections;
        _drain = drain;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _drain.Begin();
        var started = _time.GetTimestamp();
        var open = _connections.Count;
        Log.Draining(_logger, open, _options.DrainTimeout);
        _connections.CloseAll(CloseCodes.ServiceRestart, "server restarting");
        while (_connections.Count > 0 && _time.GetElapsedTime(started) < _options.DrainTimeout && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_pollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            // Again on every round: a connection whose handshake was finishing as the drain began is told too.
            _connections.CloseAll(CloseCodes.ServiceRestart, "server restarting");
        }

        var left = _connections.Count;
        if (left > 0)
        {
            Log.DrainTimedOut(_logger, left, _options.DrainTimeout);
            foreach (var connection in _connections.All)
            {
                connection.Abort(CloseReason.Shutdown);
            }
        }
        else
        {
            Log.Drained(_logger, open, _time.GetElapsedTime(started));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Information, "Draining: {Count} clients told 1012 (service restart); waiting up to {Timeout} for them to go", EventName = "Draining")]
        public static partial void Draining(ILogger logger, int count, TimeSpan timeout);

        [LoggerMessage(41, LogLevel.Information, "Drained: {Count} clients closed in {Elapsed}", EventName = "Drained")]
        public static partial void Drained(ILogger logger, int count, TimeSpan elapsed);

        [LoggerMessage(42, LogLevel.Warning, "Drain timed out after {Timeout}: dropping the {Count} clients still connected", EventName = "DrainTimedOut")]
        public static partial void DrainTimedOut(ILogger logger, int count, TimeSpan timeout);
    }
}
