namespace Switchboard.Client.Internal;

/// <summary>The waits between reconnect attempts: doubling from the initial delay up to the cap, each shortened by a random share.</summary>
internal static class Backoff
{
    /// <param name="options">The delays and the jitter.</param>
    /// <param name="attempt">1 for the first attempt after a drop.</param>
    /// <param name="random">A uniform pick in [0, 1).</param>
    public static TimeSpan Delay(SwitchboardClientOptions options, int attempt, double random)
    {
        // Doubling stops at the cap before it can overflow: 2^30 × any positive delay is far past any sane cap.
        var exponent = Math.Min(attempt - 1, 30);
        var ticks = Math.Min((double)options.ReconnectMaxDelay.Ticks, options.ReconnectInitialDelay.Ticks * Math.Pow(2, exponent));
        return TimeSpan.FromTicks((long)(ticks * (1 - (options.ReconnectJitter * random))));
    }

    /// <summary>After a 1012: the server is coming back soon, and every client it dropped should not return in the same instant.</summary>
    /// <param name="options">The bounds of the wait.</param>
    /// <param name="random">A uniform pick in [0, 1).</param>
    public static TimeSpan ServiceRestart(SwitchboardClientOptions options, double random)
    {
        var span = options.ServiceRestartDelayMax - options.ServiceRestartDelayMin;
        return options.ServiceRestartDelayMin + TimeSpan.FromTicks((long)(span.Ticks * random));
    }
}
