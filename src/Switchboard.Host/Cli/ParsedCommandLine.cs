namespace Switchboard.Host.Cli;

/// <summary>
/// What the command line asked for: either an exit code (after <c>--help</c>, <c>--version</c> or a
/// mistake) or the configuration the flags set and the <c>--config</c> file to read.
/// </summary>
internal sealed class ParsedCommandLine
{
    public int? ExitCode { get; init; }

    /// <summary>The full path of the <c>--config</c> file, or null.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Configuration key/values from the flags, added as the last configuration source so they win.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Settings { get; init; } = [];
}
