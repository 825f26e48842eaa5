using System.Reflection;

namespace Switchboard.Host.Cli;

/// <summary>
/// The version and the git commit the binary was built from. The SDK's built-in SourceLink appends
/// <c>+&lt;commit&gt;</c> to the informational version whenever the build runs inside a git checkout.
/// </summary>
internal static class BuildVersion
{
    private static readonly string _informational =
        typeof(BuildVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The version without the commit, e.g. <c>1.0.0</c>.</summary>
    public static string Version => _informational.Split('+')[0];

    /// <summary>The full commit id, or <c>unknown</c> when the build ran outside a git checkout (e.g. from a tarball).</summary>
    public static string Commit => _informational.Split('+') is [_, var commit, ..] && commit.Length > 0 ? commit : "unknown";

    /// <summary>What <c>switchboard --version</c> prints.</summary>
    public static string Text => $"switchboard {Version} (commit {Commit})";
}
