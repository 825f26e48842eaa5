namespace Switchboard.LoadTest.Net;

internal static class SocketEngine
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs socket continuations on the socket engine's thread instead of handing each to the thread pool.
    /// The load generator has one core, where every such hand-off is a context switch: this halves its CPU
    /// per relayed message. Safe because no handler here blocks. The runtime reads the setting when the
    /// first socket is used, so this must run first thing; a value set by the caller (0 or 1) wins.
    /// </summary>
    public static void PreferInlineCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }
}
