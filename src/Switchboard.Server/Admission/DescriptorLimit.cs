using System.Runtime.InteropServices;

namespace Switchboard.Server.Admission;

/// <summary>
/// The process's soft limit on open files (<c>getrlimit(RLIMIT_NOFILE)</c>), which bounds how many sockets
/// it can hold. Read after the runtime has raised it to the hard limit, as .NET does at start on Linux.
/// </summary>
internal static partial class DescriptorLimit
{
    /// <summary>Used where the limit cannot be read (not Linux) or is unlimited.</summary>
    public const long Fallback = 1024 * 1024;

    private const int ResourceOpenFiles = 7;

    /// <summary>The soft limit, or <see cref="Fallback"/>.</summary>
    public static long Soft()
    {
        if (!OperatingSystem.IsLinux())
        {
            return Fallback;
        }

        try
        {
            var limit = default(Limit);
            if (GetLimit(ResourceOpenFiles, ref limit) != 0 || limit.Current == ulong.MaxValue || limit.Current > Fallback)
            {
                return Fallback;
            }

            return (long)limit.Current;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return Fallback;
        }
    }

    /// <summary>The reserve left for everything that is not a signaling connection: a tenth, 128 … 4096.</summary>
    public static long Reserve(long limit) => Math.Clamp(limit / 10, 128, 4096);

    /// <summary>The default of <see cref="ConnectionLimitOptions.MaxPendingHandshakes"/>.</summary>
    public static int DefaultPendingHandshakes(long limit) => (int)Math.Clamp(limit / 10, 16, 1024);

    /// <summary>The default of <see cref="ConnectionLimitOptions.MaxConnections"/>: what the descriptors leave.</summary>
    public static int DefaultMaxConnections(long limit, int pendingHandshakes) =>
        (int)Math.Clamp(limit - Reserve(limit) - pendingHandshakes, 16, int.MaxValue);

    [StructLayout(LayoutKind.Sequential)]
    private struct Limit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetLimit(int resource, ref Limit limit);
}
