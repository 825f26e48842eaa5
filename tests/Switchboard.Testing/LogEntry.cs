using Microsoft.Extensions.Logging;

namespace Switchboard.Testing;

/// <summary>One event a server logged, as <see cref="LogCapture"/> recorded it.</summary>
public sealed record LogEntry(string Category, EventId EventId, LogLevel Level, string Message, Exception? Exception)
{
    /// <summary>The event's name (the contract tests assert on), or its id when it has none.</summary>
    public string EventName => EventId.Name ?? EventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() =>
        $"{Level} {Category}[{EventName}]: {Message}" + (Exception is null ? string.Empty : "\n" + Exception);
}
