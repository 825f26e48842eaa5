using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Server.Connections;
using Switchboard.Server.Dialects;

namespace Switchboard.Server.Hosting;

/// <summary>
/// Takes WebSocket upgrades on the configured paths and runs each as a <see cref="PeerConnection"/>;
/// every other request passes through (so a plain <c>GET /</c> reaches the web app).
/// </summary>
internal sealed partial class SwitchboardMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SwitchboardOptions _options;
    private readonly NativeDialect _dialect;
    private readonly ConnectionStore _connections;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _connectionLogger;
    private readonly ILogger<SwitchboardMiddleware> _logger;

    public SwitchboardMiddleware(
        RequestDelegate next,
        IOptions<SwitchboardOptions> options,
        NativeDialect dialect,
        ConnectionStore connections,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _next = next;
        _options = options.Value;
        _dialect = dialect;
        _connections = connections;
        _timeProvider = timeProvider;
        _connectionLogger = loggerFactory.CreateLogger<PeerConnection>();
        _logger = loggerFactory.CreateLogger<SwitchboardMiddleware>();
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsSignalingPath(context.Request.Path))
        {
            await _next(context);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            if (context.Request.Path == "/")
            {
                await _next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is Switchboard's WebSocket endpoint: connect with a WebSocket client.\n", context.RequestAborted);
            return;
        }

        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = _options.KeepAliveInterval,
                KeepAliveTimeout = _options.KeepAliveTimeout,
                DangerousEnableCompression = false,
            });
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or InvalidOperationException)
        {
            Log.UpgradeFailed(_logger, ex.Message);
            return;
        }

        var connection = new PeerConnection(socket, _dialect, _options, _timeProvider, _connectionLogger, context.RequestAborted);
        _connections.Add(connection);
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            _connections.Remove(connection);
        }
    }

    private bool IsSignalingPath(PathString path)
    {
        foreach (var candidate in _options.EffectivePaths)
        {
            if (path.Equals(candidate, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Debug, "WebSocket upgrade failed: {Message}", EventName = "UpgradeFailed")]
        public static partial void UpgradeFailed(ILogger logger, string message);
    }
}
