using System.Globalization;
using Switchboard.Server;

namespace Switchboard.Host.Cli;

/// <summary>
/// Values that pass validation yet are almost surely a slip: <c>KeepAliveInterval=15</c> parses as
/// 15 days, where 15 seconds (<c>00:00:15</c>) was meant. Each is a warning at start that says what the
/// value means and how to write it.
/// </summary>
internal static class SettingsPlausibility
{
    private static readonly TimeSpan _longest = TimeSpan.FromHours(1);
    private static readonly TimeSpan _shortest = TimeSpan.FromMilliseconds(100);
    private const long LargestBytes = 1L << 30;

    /// <summary>(setting, value, what it means and how to write it) for each implausible value.</summary>
    public static IEnumerable<(string Setting, string Value, string Meaning)> Check(SwitchboardOptions options, IConfiguration configuration)
    {
        var durations = new List<(string, TimeSpan)>
        {
            (nameof(options.KeepAliveInterval), options.KeepAliveInterval),
            (nameof(options.KeepAliveTimeout), options.KeepAliveTimeout),
            (nameof(options.CloseTimeout), options.CloseTimeout),
            (nameof(options.SendTimeout), options.SendTimeout),
            (nameof(options.PartialMessageTimeout), options.PartialMessageTimeout),
            (nameof(options.HandshakeTimeout), options.HandshakeTimeout),
        };
        if (TimeSpan.TryParse(configuration[SwitchboardOptions.SectionName + ":DrainTimeout"], CultureInfo.InvariantCulture, out var drain))
        {
            durations.Add(("DrainTimeout", drain));
        }

        foreach (var (name, value) in durations)
        {
            if (value > _longest)
            {
                yield return (Key(name), value.ToString("c", CultureInfo.InvariantCulture),
                    $"{Describe(value)}; durations are [d.]hh:mm:ss, so a bare number counts days: 15 seconds is 00:00:15");
            }
            else if (value > TimeSpan.Zero && value < _shortest)
            {
                yield return (Key(name), value.ToString("c", CultureInfo.InvariantCulture),
                    $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms; durations are [d.]hh:mm:ss[.fff], so 15 seconds is 00:00:15");
            }
        }

        foreach (var (name, value) in new (string, long)[]
        {
            (nameof(options.SendQueueByteLimit), options.SendQueueByteLimit),
            (nameof(options.PartialMessageByteLimit), options.PartialMessageByteLimit),
            (nameof(options.TotalSendQueueByteLimit), options.TotalSendQueueByteLimit),
        })
        {
            if (value > LargestBytes)
            {
                yield return (Key(name), value.ToString(CultureInfo.InvariantCulture),
                    $"{(value / (double)LargestBytes).ToString("0.#", CultureInfo.InvariantCulture)} GiB that clients may make the server hold; sizes are in bytes, so 1 MiB is 1048576");
            }
        }

        if (options.SendQueueLimit > 1_000_000)
        {
            yield return (Key(nameof(options.SendQueueLimit)), options.SendQueueLimit.ToString(CultureInfo.InvariantCulture),
                "messages that may wait for one connection; past a few thousand a slow consumer is only found late");
        }
    }

    private static string Key(string name) => SwitchboardOptions.SectionName + ":" + name;

    private static string Describe(TimeSpan value) => value.TotalDays >= 1
        ? $"{value.TotalDays.ToString("0.##", CultureInfo.InvariantCulture)} days"
        : $"{value.TotalHours.ToString("0.##", CultureInfo.InvariantCulture)} hours";
}
