namespace Switchboard.Host;

internal static class SocketEngine
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs socket continuations on the socket engine's own thread instead of hopping to the thread pool
    /// for every message. Switchboard's handlers never block, so this is safe, and it cuts the server's
    /// CPU per relayed message and per call set-up by about a third (docs/performance.md). The runtime
    /// reads the setting when the first socket is used, so this must run before the host starts. An
    /// operator who sets the variable (to 0 or 1) decides instead.
    /// </summary>
    public static void PreferInlineCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }
}
