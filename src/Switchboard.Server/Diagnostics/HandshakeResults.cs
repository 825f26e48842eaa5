namespace Switchboard.Server.Diagnostics;

/// <summary>The stable names of <see cref="HandshakeResult"/>, a metric tag.</summary>
internal static class HandshakeResults
{
    public const int Count = (int)HandshakeResult.PendingLimit + 1;

    private static readonly string[] _names = ["accepted", "bad-request", "unsupported-version", "draining", "failed", "forbidden-origin", "address-limit", "address-rate", "server-full", "pending-limit"];

    public static string Name(HandshakeResult result) => _names[(int)result];
}
