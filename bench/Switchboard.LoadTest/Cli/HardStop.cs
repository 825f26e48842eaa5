namespace Switchboard.LoadTest.Cli;

/// <summary>
/// The last line of defence for "every run is bounded in time": whatever a scenario is stuck on, the
/// process ends itself once its budget is spent (exit code 3), and its worker processes follow when
/// their standard input closes.
/// </summary>
internal static class HardStop
{
    public const int ExitCode = 3;

    private static Timer? _timer;

    public static void Arm(TimeSpan budget)
    {
        _timer?.Dispose();
        _timer = new Timer(
            _ =>
            {
                Console.Error.WriteLine($"switchboard-loadtest: hard stop after {budget.TotalSeconds:0} s");
                Environment.Exit(ExitCode);
            },
            null,
            budget,
            Timeout.InfiniteTimeSpan);
    }
}
