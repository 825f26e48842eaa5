using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Rooms;

namespace Switchboard.Server.Hosting;

/// <summary>
/// The live dashboard at <c>/admin</c>, there only when <see cref="AdminOptions.Token"/> is set. The page
/// and its script are Switchboard's own (embedded, nothing from another site) and hold no data; the
/// numbers come from <c>/admin/api/stats</c>, which wants the token as a bearer header and reads the
/// same counters as <c>/metrics</c>. Room ids are secrets (whoever knows one can join): only a prefix is shown.
/// </summary>
internal sealed partial class AdminMiddleware
{
    /// <summary>Rooms listed at most, largest first: the answer stays small however many rooms there are.</summary>
    public const int MaxRoomsListed = 100;

    /// <summary>Characters of a room id the dashboard shows.</summary>
    public const int RoomIdPrefixLength = 4;

    private const string StatsPath = "/admin/api/stats";

    private static readonly Dictionary<string, (string Resource, string ContentType)> _assets = new(StringComparer.Ordinal)
    {
        ["/admin/"] = ("index.html", "text/html; charset=utf-8"),
        ["/admin/admin.js"] = ("admin.js", "text/javascript; charset=utf-8"),
        ["/admin/admin.css"] = ("admin.css", "text/css; charset=utf-8"),
    };

    private readonly RequestDelegate _next;
    private readonly SwitchboardMetrics _metrics;
    private readonly SignalingCore _core;
    private readonly ILogger<AdminMiddleware> _logger;
    private readonly byte[] _tokenHash;

    public AdminMiddleware(RequestDelegate next, SwitchboardMetrics metrics, SignalingCore core, IOptions<SwitchboardOptions> options, ILogger<AdminMiddleware> logger)
    {
        _next = next;
        _metrics = metrics;
        _core = core;
        _logger = logger;
        _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Admin.Token ?? string.Empty));
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith(SwitchboardEndpoints.AdminPath, StringComparison.Ordinal))
        {
            await _next(context);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'";
        if (path == SwitchboardEndpoints.AdminPath)
        {
            // The page's own URLs are relative (it may be served under a path base): it lives at /admin/.
            context.Response.Redirect(context.Request.PathBase + SwitchboardEndpoints.AdminPath + "/");
            return;
        }

        if (path == StatsPath)
        {
            await StatsAsync(context);
            return;
        }

        if (!_assets.TryGetValue(path, out var asset))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await using var stream = typeof(AdminMiddleware).Assembly.GetManifestResourceStream("Switchboard.Admin." + asset.Resource)
            ?? throw new InvalidOperationException($"The dashboard's {asset.Resource} is missing from the assembly.");
        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = stream.Length;
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private async Task StatsAsync(HttpContext context)
    {
        if (!Authorized(context.Request))
        {
            Log.Refused(_logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"error\":\"unauthorized\"}", context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        Write(json, _metrics.Snapshot(), _core.Rooms);
        await json.FlushAsync(context.RequestAborted);
    }

    private bool Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashing first makes the comparison take the same time whatever the length of the guess.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, _tokenHash);
    }

    internal static void Write(Utf8JsonWriter json, MetricsSnapshot snapshot, IEnumerable<Room> rooms)
    {
        json.WriteStartObject();
        json.WriteStartObject("connections");
        json.WriteNumber("direct", snapshot.DirectConnections);
        json.WriteNumber("pipeline", snapshot.PipelineConnections);
        json.WriteEndObject();
        json.WriteNumber("rooms", snapshot.Rooms);
        json.WriteNumber("roomMembers", snapshot.RoomMembers);
        json.WriteNumber("messagesReceived", snapshot.MessagesReceived);
        json.WriteNumber("messagesRelayed", snapshot.MessagesRelayed);
        json.WriteNumber("bytesReceived", snapshot.BytesReceived);
        json.WriteNumber("bytesSent", snapshot.BytesSent);
        WriteCounts(json, "errors", snapshot.Errors);
        WriteCounts(json, "closes", snapshot.Closes);
        WriteCounts(json, "handshakes", snapshot.Handshakes);
        json.WriteStartArray("roomList");
        foreach (var room in rooms.Select(r => (Room: r, Members: r.Members.Length)).OrderByDescending(r => r.Members).Take(MaxRoomsListed))
        {
            json.WriteStartObject();
            json.WriteString("idPrefix", room.Room.Id[..Math.Min(RoomIdPrefixLength, room.Room.Id.Length)]);
            json.WriteNumber("members", room.Members);
            json.WriteNumber("capacity", room.Room.Capacity);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, long> counts)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in counts)
        {
            json.WriteNumber(key, value);
        }

        json.WriteEndObject();
    }

    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Information, "Dashboard request from {ClientAddress} refused: missing or wrong admin token", EventName = "AdminRefused")]
        public static partial void Refused(ILogger logger, string clientAddress);
    }
}
