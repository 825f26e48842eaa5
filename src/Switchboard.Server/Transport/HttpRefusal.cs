using System.Globalization;
using System.Text;
using Switchboard.Server.Admission;

namespace Switchboard.Server.Transport;

/// <summary>The HTTP response the direct path writes itself when it refuses an upgrade: the same status and text the pipeline sends.</summary>
internal static class HttpRefusal
{
    public static byte[] Format(UpgradeRefusal refusal)
    {
        var body = refusal.Reason + "\n";
        var phrase = refusal.Status switch
        {
            403 => "Forbidden",
            429 => "Too Many Requests",
            503 => "Service Unavailable",
            _ => "Bad Request",
        };
        // Only a refusal that waiting can cure asks the client to wait (not 403).
        var retryAfter = refusal.RetryAfterSeconds > 0 ? string.Create(CultureInfo.InvariantCulture, $"Retry-After: {refusal.RetryAfterSeconds}\r\n") : string.Empty;
        return Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"HTTP/1.1 {refusal.Status} {phrase}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n{retryAfter}Connection: close\r\n\r\n{body}"));
    }
}
