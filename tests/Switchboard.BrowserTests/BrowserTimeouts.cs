using Microsoft.Playwright;

namespace Switchboard.BrowserTests;

/// <summary>
/// Short bounds: a call on loopback connects in a second or two, so waiting longer only delays a failure.
/// After the first failed scenario they shrink further, so that one broken build fails fast instead of
/// timing out scenario after scenario.
/// </summary>
public static class BrowserTimeouts
{
    private static volatile bool _failedBefore;

    /// <summary>Starting the browser or the server.</summary>
    public static readonly TimeSpan Launch = TimeSpan.FromSeconds(60);

    /// <summary>One click, fill or navigation.</summary>
    public static TimeSpan Action => _failedBefore ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(10);

    /// <summary>A state the page should reach, such as <c>connected</c> or a video playing.</summary>
    public static TimeSpan Condition => _failedBefore ? TimeSpan.FromSeconds(6) : TimeSpan.FromSeconds(15);

    /// <summary>Signaling coming back after a server restart: the backoff caps at 8 s, plus the rejoin.</summary>
    public static TimeSpan Reconnect => _failedBefore ? TimeSpan.FromSeconds(12) : TimeSpan.FromSeconds(25);

    /// <summary>The browser declaring ICE failed when no candidate pair answers: its own timeouts, some 30 s.</summary>
    public static TimeSpan IceFailure => _failedBefore ? TimeSpan.FromSeconds(20) : TimeSpan.FromSeconds(60);

    /// <summary>Called when a scenario did not finish: the rest of the run waits less.</summary>
    public static void ShortenAfterFailure()
    {
        _failedBefore = true;
        Assertions.SetDefaultExpectTimeout((float)Condition.TotalMilliseconds);
    }
}
