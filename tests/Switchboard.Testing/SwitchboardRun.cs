namespace Switchboard.Testing;

/// <summary>How a <c>switchboard</c> run that ended by itself went.</summary>
public sealed record SwitchboardRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>stderr's non-empty lines.</summary>
    public IReadOnlyList<string> ErrorLines => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
