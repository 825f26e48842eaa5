using System.Globalization;

namespace Switchboard.Host.Cli;

/// <summary>
/// One flag of <c>switchboard</c> and the configuration key it sets. Flags are only another way to write
/// a configuration value, so everything downstream (options binding, validation) sees one truth.
/// </summary>
/// <param name="Flag">The flag, e.g. <c>--keep-alive-interval</c>.</param>
/// <param name="Key">The configuration key it sets, e.g. <c>Switchboard:KeepAliveInterval</c>; null for <c>--config</c>.</param>
/// <param name="Environment">The environment variable that sets the same key, or null when there is none.</param>
/// <param name="HelpName">The value's shape in <c>--help</c>, e.g. <c>hh:mm:ss</c>.</param>
/// <param name="Description">What it does, for <c>--help</c>.</param>
/// <param name="Default">The default shown in <c>--help</c>, or null when there is none.</param>
/// <param name="Kind">What the value must look like.</param>
internal sealed record CommandLineSetting(string Flag, string? Key, string? Environment, string HelpName, string Description, string? Default, SettingKind Kind)
{
    /// <summary>The environment variable for a configuration key: each <c>:</c> becomes <c>__</c>.</summary>
    public static string EnvironmentFor(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    public bool IsList => Kind is SettingKind.List or SettingKind.IceServerList;

    /// <summary>Why <paramref name="value"/> is not acceptable for this flag, or null when it is.</summary>
    public string? Check(string value) => Kind switch
    {
        _ when string.IsNullOrWhiteSpace(value) => "needs a value",
        SettingKind.Port => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? null : "is not a port number from 0 to 65535",
        SettingKind.Integer => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? null : "is not a whole number",
        SettingKind.Long => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? null : "is not a whole number",
        // The same parse the configuration binder applies, so what passes here binds later.
        SettingKind.Duration => TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _)
            ? null : "is not a duration (hh:mm:ss, e.g. 00:00:15 for 15 seconds)",
        SettingKind.Boolean => bool.TryParse(value, out _) ? null : "is not true or false",
        SettingKind.AbsoluteUrl => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? null : "is not an absolute http:// or https:// URL",
        SettingKind.ExistingFile => File.Exists(value) ? null : "is not a file that exists",
        SettingKind.IceServerList => value.StartsWith("stun:", StringComparison.Ordinal) || value.StartsWith("turn:", StringComparison.Ordinal) || value.StartsWith("turns:", StringComparison.Ordinal)
            ? null : "is not a stun:, turn: or turns: URL",
        SettingKind.LogFormat => value is "json" or "simple" or "systemd" ? null : "is not one of json, simple, systemd",
        _ => null,
    };

    /// <summary>The configuration key/values this flag sets when given <paramref name="values"/>.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToConfiguration(IReadOnlyList<string> values)
    {
        if (Key is null)
        {
            yield break;
        }

        if (!IsList)
        {
            yield return new(Key, values[^1]);
            yield break;
        }

        // A list flag takes "a b", "a,b" or the flag given twice; each entry becomes Key:0, Key:1, …
        var entries = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        for (var i = 0; i < entries.Count; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            yield return Kind == SettingKind.IceServerList
                ? new($"{Key}:{index}:Urls:0", entries[i])
                : new($"{Key}:{index}", entries[i]);
        }
    }
}
