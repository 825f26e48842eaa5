using Switchboard.LoadTest.Options;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>The longest each scenario may run: past it the process ends itself, whatever state it is in.</summary>
internal static class ScenarioTiming
{
    /// <summary>Slack for setting up, closing, and writing results.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(90);

    public static TimeSpan Measured(RunOptions run) => run.Warmup + run.Duration;

    public static TimeSpan Idle(IdleOptions idle) => idle.ConnectDeadline + idle.Hold + (idle.WarmPass ? idle.ConnectDeadline + idle.WarmHold : TimeSpan.Zero);
}
