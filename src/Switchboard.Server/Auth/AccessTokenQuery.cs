namespace Switchboard.Server.Auth;

/// <summary>
/// Finds the <c>access_token</c> parameter in an upgrade's query (browsers cannot set headers on a
/// WebSocket). Both ways in hand it the raw query, so they read it the same way.
/// </summary>
internal static class AccessTokenQuery
{
    public const string Parameter = "access_token";

    /// <summary>The token, or null when the query has none; <paramref name="duplicated"/> when it appears twice (refused: which one counts would depend on who reads it).</summary>
    public static string? Find(string? query, out bool duplicated)
    {
        duplicated = false;
        if (string.IsNullOrEmpty(query))
        {
            return null;
        }

        string? token = null;
        var rest = query.AsSpan(query[0] == '?' ? 1 : 0);
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf('&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            if (!name.SequenceEqual(Parameter))
            {
                continue;
            }

            if (token is not null)
            {
                duplicated = true;
                return null;
            }

            token = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].ToString());
        }

        return token;
    }
}
