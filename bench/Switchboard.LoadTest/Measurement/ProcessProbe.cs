using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Switchboard.LoadTest.Results;

namespace Switchboard.LoadTest.Measurement;

/// <summary>
/// Reads a process's CPU time and memory from /proc, the same way for every server whatever its runtime,
/// so the numbers compare. Nothing here needs the process's cooperation.
/// </summary>
internal static partial class ProcessProbe
{
    private const int ScClockTicks = 2;

    private static readonly double _secondsPerClockTick = 1.0 / ClockTicksPerSecond();

    /// <summary>utime + stime of <paramref name="pid"/> in seconds (10 ms resolution with the usual USER_HZ of 100).</summary>
    public static double? CpuSeconds(int pid)
    {
        var stat = TryRead($"/proc/{pid}/stat");
        if (stat is null)
        {
            return null;
        }

        // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * _secondsPerClockTick;
    }

    /// <summary>CPU time all processes on the machine have used (every core, from /proc/stat), in seconds.</summary>
    public static double? MachineBusySeconds()
    {
        var stat = TryRead("/proc/stat");
        if (stat is null)
        {
            return null;
        }

        // The first line sums every core: user nice system idle iowait irq softirq steal …
        var fields = stat[..stat.IndexOf('\n')].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        for (var i = 1; i < fields.Length && i <= 8; i++)
        {
            if (i is not 4 and not 5)
            {
                busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
            }
        }

        return busy * _secondsPerClockTick;
    }

    public static double SelfCpuSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    public static MemorySample? Memory(int pid)
    {
        var status = TryRead($"/proc/{pid}/status");
        if (status is null)
        {
            return null;
        }

        var rollup = TryRead($"/proc/{pid}/smaps_rollup") ?? string.Empty;
        return new MemorySample(
            Field(status, "VmRSS:"),
            Field(status, "VmHWM:"),
            Field(rollup, "Rss:"),
            Field(rollup, "Pss:"),
            Field(rollup, "Private_Dirty:"),
            Field(rollup, "Anonymous:"),
            CountOpenFiles(pid));
    }

    public static bool IsAlive(int pid) => File.Exists($"/proc/{pid}/stat");

    private static long Field(string text, string name)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                var rest = line[name.Length..].Trim();
                var space = rest.IndexOf(' ');
                return long.Parse(space < 0 ? rest : rest[..space], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static int CountOpenFiles(int pid)
    {
        try
        {
            // fdinfo, not fd: its entries are plain files, where fd's are links that .NET's enumeration stats
            // one by one to see whether they point at a directory. For a server holding 18 000 sockets that
            // took tens of milliseconds of the load generator's core, and the round trips in flight waited.
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fdinfo").Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long ClockTicksPerSecond()
    {
        try
        {
            var ticks = Sysconf(ScClockTicks);
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
