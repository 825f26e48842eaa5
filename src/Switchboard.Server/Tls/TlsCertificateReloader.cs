using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Tls;

/// <summary>
/// Checks the certificate files every <see cref="TlsOptions.ReloadInterval"/>, so a renewed certificate is
/// served without a restart. Polling two small files once a minute costs nothing and, unlike a file
/// watcher, sees certbot's symlink swaps in <c>live/</c> and edits over network file systems alike.
/// </summary>
internal sealed partial class TlsCertificateReloader(IOptions<TlsOptions> options, IServiceProvider services, TimeProvider timeProvider, ILogger<TlsCertificateReloader> logger)
    : IHostedService, IDisposable
{
    private ITimer? _timer;
    private int _checking;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Enabled)
        {
            var interval = options.Value.ReloadInterval;
            _timer = timeProvider.CreateTimer(static state => ((TlsCertificateReloader)state!).Check(), this, interval, interval);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void Check()
    {
        // A slow disk must not stack checks up; a timer callback must never throw (it would end the process).
        if (Interlocked.Exchange(ref _checking, 1) != 0)
        {
            return;
        }

        try
        {
            services.GetRequiredService<TlsCertificateStore>().CheckForChange();
        }
        catch (Exception ex)
        {
            Log.CheckFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(113, LogLevel.Warning, "Checking the TLS certificate files failed; will retry at the next check", EventName = "TlsCheckFailed")]
        public static partial void CheckFailed(ILogger logger, Exception exception);
    }
}
