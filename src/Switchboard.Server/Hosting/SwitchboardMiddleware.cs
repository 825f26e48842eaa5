using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Connections;

namespace Switchboard.Server.Hosting;

/// <summary>
/// Takes WebSocket upgrades on the configured paths and runs each as a <see cref="PeerConnection"/>;
/// every other request passes through (so a plain <c>GET /</c> reaches the web app).
/// </summary>
internal sealed partial class SwitchboardMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SwitchboardOptions _options;
    private readonly PeerConnectionFactory _factory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SwitchboardMiddleware> _logger;

    public SwitchboardMiddleware(RequestDelegate next, PeerConnectionFactory factory, TimeProvider timeProvider, ILogger<SwitchboardMiddleware> logger)
    {
        _next = next;
        _factory = factory;
        _options = factory.Options;
        _timeProvider = timeProvider;
        _logger = logger;
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
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength = _notAWebSocketBody.Length;
            await context.Response.Body.WriteAsync(_notAWebSocketBody, context.RequestAborted);
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

        await _factory.Create(socket).RunAsync(new HttpTransport(context, _options.CloseTimeout, _timeProvider));
    }

    private static readonly byte[] _notAWebSocketBody = "This is Switchboard's WebSocket endpoint: connect with a WebSocket client.\n"u8.ToArray();

    /// <summary>The HTTP request carrying the WebSocket: disposing the WebSocket aborts it, so lingering happens before.</summary>
    private sealed class HttpTransport(HttpContext context, TimeSpan closeTimeout, TimeProvider timeProvider) : IConnectionTransport
    {
        public async Task LingerAsync() =>
            await Task.Delay(closeTimeout, timeProvider, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        public void OnConnectionEnded()
        {
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
