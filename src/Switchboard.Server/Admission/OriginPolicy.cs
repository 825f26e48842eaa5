namespace Switchboard.Server.Admission;

/// <summary>
/// Which pages may open a WebSocket to Switchboard: the server's own origin (an Origin whose host and port
/// are the request's Host), those listed in <see cref="SwitchboardOptions.AllowedOrigins"/>, or any with
/// <c>*</c>. A request without Origin comes from a non-browser client (a browser always sends one on a
/// WebSocket) and passes unless <see cref="SwitchboardOptions.RequireOrigin"/> is set.
/// </summary>
/// <remarks>
/// Why: a browser sends a page's cookies and its visitor's network position along with a WebSocket to any
/// site (cross-site WebSocket hijacking); the Origin header is the only thing that says which page asked.
/// The scheme is not compared for the server's own origin: behind a TLS-terminating proxy the request
/// arrives over http while the page was https, and a page on the same host and port is the same server.
/// </remarks>
internal sealed class OriginPolicy
{
    /// <summary>Characters no Host header of a browser's request holds.</summary>
    private static readonly System.Buffers.SearchValues<char> _notInHost = System.Buffers.SearchValues.Create("/\\@?# ");

    private readonly HashSet<string> _allowed = new(StringComparer.Ordinal);
    private readonly bool _any;
    private readonly bool _require;

    public OriginPolicy(IEnumerable<string> allowedOrigins, bool requireOrigin)
    {
        _require = requireOrigin;
        foreach (var origin in allowedOrigins)
        {
            if (origin.Trim() == "*")
            {
                _any = true;
            }
            else if (TryNormalize(origin.Trim().TrimEnd('/'), out var normalized))
            {
                _allowed.Add(normalized);
            }
        }
    }

    /// <summary>Whether an upgrade with this Origin (null: none) and this Host may proceed.</summary>
    public OriginVerdict Judge(string? origin, string host)
    {
        if (origin is null)
        {
            return _require ? OriginVerdict.Missing : OriginVerdict.Allowed;
        }

        if (_any)
        {
            return OriginVerdict.Allowed;
        }

        if (!TryParse(origin, out var uri))
        {
            // "null" (a sandboxed frame, a file), or two Origin headers: no page anyone can name.
            return OriginVerdict.Foreign;
        }

        return _allowed.Contains(Normalized(uri)) || IsSameOrigin(uri, host) ? OriginVerdict.Allowed : OriginVerdict.Foreign;
    }

    /// <summary>An origin as <c>scheme://host:port</c>, lower case, port always written; false when it is not an http(s) origin.</summary>
    public static bool TryNormalize(string origin, out string normalized)
    {
        normalized = string.Empty;
        if (!TryParse(origin, out var uri))
        {
            return false;
        }

        normalized = Normalized(uri);
        return true;
    }

    private static string Normalized(Uri uri) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{uri.Scheme}://{uri.Host.ToLowerInvariant()}:{uri.Port}");

    private static bool TryParse(string origin, out Uri uri)
    {
        // An origin is scheme://host[:port] and nothing else (RFC 6454 §6.1).
        return Uri.TryCreate(origin, UriKind.Absolute, out uri!)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.AbsolutePath == "/" && !origin.EndsWith('/') && uri.UserInfo.Length == 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0
            && uri.Host.Length > 0;
    }

    private static bool IsSameOrigin(Uri origin, string host)
    {
        if (host.Length == 0 || host.AsSpan().IndexOfAny(_notInHost) >= 0)
        {
            return false;
        }

        // A Host without a port means the scheme's default, as it does in the Origin.
        return Uri.TryCreate($"{origin.Scheme}://{host}/", UriKind.Absolute, out var server)
            && string.Equals(server.Host, origin.Host, StringComparison.OrdinalIgnoreCase)
            && server.Port == origin.Port;
    }
}
