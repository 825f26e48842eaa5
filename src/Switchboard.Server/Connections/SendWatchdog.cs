using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Connections;

/// <summary>
/// One timer for all connections: drops any connection whose current write has taken longer than
/// <see cref="SwitchboardOptions.SendTimeout"/>. A timer per connection would cost every idle connection
/// memory for the rare one that stalls.
/// </summary>
internal sealed class SendWatchdog : IHostedService, IDisposable
{
    private readonly ConnectionStore _connections;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _period;
    private ITimer? _timer;

    public SendWatchdog(ConnectionStore connections, TimeProvider timeProvider, IOptions<SwitchboardOptions> options)
    {
        _connections = connections;
        _timeProvider = timeProvider;

        // A stalled write is noticed within a quarter of the timeout after it expires.
        _period = options.Value.SendTimeout / 4;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = _timeProvider.CreateTimer(static state => ((SendWatchdog)state!).Check(), this, _period, _period);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    internal void Check()
    {
        var now = _timeProvider.GetTimestamp();
        foreach (var connection in _connections.All)
        {
            connection.CheckSendTimeout(now);
        }
    }
}
