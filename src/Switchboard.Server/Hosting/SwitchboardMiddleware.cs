using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Switchboard.Server.Admission;
using Switchboard.Server.Connections;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Transport;

namespace Switchboard.Server.Hosting;

/// <summary>
/// Takes WebSocket upgrades that reach Kestrel's HTTP pipeline on the configured paths and runs each as a
/// <see cref="PeerConnection"/> over a <see cref="PipelineTransport"/>; every other request passes through
/// (so a plain <c>GET /</c> reaches the web app). The opening handshake is Switchboard's own (RFC 6455
/// §4.2, and RFC 8441 for HTTP/2), held to the same rules the direct path's parser applies, so both ways
/// in accept and refuse the same requests.
/// </summary>
internal sealed partial class SwitchboardMiddleware
{
    private static readonly byte[] _notAWebSocketBody = "This is Switchboard's WebSocket endpoint: connect with a WebSocket client.\n"u8.ToArray();

    private readonly RequestDelegate _next;
    private readonly SwitchboardOptions _options;
    private readonly PeerConnectionFactory _factory;
    private readonly ILogger<SwitchboardMiddleware> _logger;

    public SwitchboardMiddleware(RequestDelegate next, PeerConnectionFactory factory, ILogger<SwitchboardMiddleware> logger)
    {
        _next = next;
        _factory = factory;
        _options = factory.Options;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsSignalingPath(context.Request.Path))
        {
            await _next(context);
            return;
        }

        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var extendedConnect = context.Features.Get<IHttpExtendedConnectFeature>();
        var isUpgrade = upgrade is { IsUpgradableRequest: true } && IsWebSocketUpgrade(context.Request);
        var isExtendedConnect = extendedConnect is { IsExtendedConnect: true }
            && string.Equals(extendedConnect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);
        if (!isUpgrade && !isExtendedConnect)
        {
            if (context.Request.Path == "/")
            {
                await _next(context);
                return;
            }

            await RefuseAsync(context, StatusCodes.Status400BadRequest, _notAWebSocketBody);
            return;
        }

        if (Problem(context.Request, isExtendedConnect) is { } problem)
        {
            _factory.Metrics.CountHandshake(problem.Status == StatusCodes.Status426UpgradeRequired ? HandshakeResult.UnsupportedVersion : HandshakeResult.BadRequest);
            Log.UpgradeRefused(_logger, problem.Reason);
            if (problem.Status == StatusCodes.Status426UpgradeRequired)
            {
                context.Response.Headers["Sec-WebSocket-Version"] = "13";
            }

            await RefuseAsync(context, problem.Status, Encoding.UTF8.GetBytes(problem.Reason + "\n"));
            return;
        }

        var client = _factory.Admission.ClientAddress(context.Connection.RemoteIpAddress, ForwardedFor(context.Request));
        if (_factory.Admission.Decide(Origin(context.Request), context.Request.Host.Value ?? string.Empty, client, out var admitted) is { } refusal)
        {
            _factory.Metrics.CountHandshake(refusal.Result);
            Log.UpgradeRefused(_logger, refusal.Reason);
            if (refusal.RetryAfterSeconds > 0)
            {
                context.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await RefuseAsync(context, refusal.Status, Encoding.UTF8.GetBytes(refusal.Reason + "\n"));
            return;
        }

        Stream stream;
        try
        {
            if (isExtendedConnect)
            {
                stream = await extendedConnect!.AcceptAsync();
            }
            else
            {
                var headers = context.Response.Headers;
                headers.Connection = "Upgrade";
                headers.Upgrade = "websocket";
                headers["Sec-WebSocket-Accept"] = WebSocketAccept.ComputeAccept(context.Request.Headers["Sec-WebSocket-Key"].ToString());
                stream = await upgrade!.UpgradeAsync();
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            // No connection was made to give the admitted share back when it ends.
            _factory.Admission.Release(admitted!);
            _factory.Metrics.CountHandshake(HandshakeResult.Failed);
            Log.UpgradeFailed(_logger, ex.Message);
            return;
        }

        var transport = new PipelineTransport(stream, context);
        await transport.RunAsync(_factory.Create(transport, Equals(client, context.Connection.RemoteIpAddress) ? null : client, admitted, context.Request.QueryString.Value));
    }

    /// <summary>
    /// The Origin header, null when there is none. Two of them are joined into one value that is no origin, so
    /// the policy refuses it (the direct path's parser leaves such a request to this pipeline).
    /// </summary>
    private static string? Origin(HttpRequest request)
    {
        var values = request.Headers.Origin;
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => values.ToString(),
        };
    }

    /// <summary>Every <c>X-Forwarded-For</c> value joined in order, as the direct path's parser reads them.</summary>
    private static string ForwardedFor(HttpRequest request)
    {
        var values = request.Headers["X-Forwarded-For"];
        return values.Count switch
        {
            0 => string.Empty,
            1 => values[0] ?? string.Empty,
            _ => string.Join(',', values.ToArray()),
        };
    }

    /// <summary>An HTTP/1.x request that asks for a WebSocket (the headers RFC 6455 names, whatever else is wrong with it).</summary>
    private static bool IsWebSocketUpgrade(HttpRequest request) =>
        HasToken(request.Headers.Connection, "upgrade") && HasToken(request.Headers.Upgrade, "websocket");

    /// <summary>Why the upgrade is refused, or null: RFC 6455 §4.2.1 (and RFC 8441 §5 over HTTP/2).</summary>
    private static (int Status, string Reason)? Problem(HttpRequest request, bool extendedConnect)
    {
        if (!extendedConnect)
        {
            if (!HttpMethods.IsGet(request.Method))
            {
                return (StatusCodes.Status400BadRequest, "a WebSocket upgrade must be a GET");
            }

            if (HttpProtocol.IsHttp10(request.Protocol) || HttpProtocol.IsHttp09(request.Protocol))
            {
                return (StatusCodes.Status400BadRequest, "a WebSocket upgrade needs HTTP/1.1 or later");
            }

            if (!HandshakeParser.IsValidKey(Encoding.ASCII.GetBytes(request.Headers["Sec-WebSocket-Key"].ToString())) || request.Headers["Sec-WebSocket-Key"].Count != 1)
            {
                return (StatusCodes.Status400BadRequest, "Sec-WebSocket-Key must be the base64 of 16 bytes");
            }
        }

        if (request.Headers["Sec-WebSocket-Version"] is not { Count: 1 } version || version[0] != "13")
        {
            return (StatusCodes.Status426UpgradeRequired, "only WebSocket version 13 is supported");
        }

        return null;
    }

    private static bool HasToken(StringValues values, string token)
    {
        foreach (var value in values)
        {
            foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
            {
                if (string.Equals(part, token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static async Task RefuseAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
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

        [LoggerMessage(21, LogLevel.Debug, "WebSocket upgrade refused: {Reason}", EventName = "UpgradeRefused")]
        public static partial void UpgradeRefused(ILogger logger, string reason);
    }
}
