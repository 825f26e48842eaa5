using Microsoft.Extensions.Logging;

namespace Switchboard.Testing;

/// <summary>
/// A logger provider that records every event at <see cref="LogLevel.Warning"/> and above, so a test can
/// assert on the warnings it expects and fail on any Error or Critical event it did not expect: with no
/// provider at all, a server that logs <c>HandlerFailed</c> and carries on passes every test.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    // Debug and Trace are never formatted or stored: the hot paths log them per message.
    private const LogLevel MinimumLevel = LogLevel.Warning;

    private readonly List<LogEntry> _entries = [];
    private readonly List<Func<LogEntry, bool>> _expectedErrors = [];

    /// <summary>A snapshot of everything recorded so far, oldest first.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Error and Critical events that no <see cref="ExpectErrors"/> call accounts for.</summary>
    public IReadOnlyList<LogEntry> UnexpectedErrors
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries.Where(e => e.Level >= LogLevel.Error && !_expectedErrors.Any(expected => expected(e)))];
            }
        }
    }

    /// <summary>Events named <paramref name="eventName"/>, for a test that asserts a warning was logged.</summary>
    public IReadOnlyList<LogEntry> Named(string eventName) => [.. Entries.Where(e => e.EventName == eventName)];

    /// <summary>
    /// Declares Error or Critical events matching <paramref name="expected"/> part of the test, so they
    /// do not fail it: for a test that provokes a server failure on purpose.
    /// </summary>
    public void ExpectErrors(Func<LogEntry, bool> expected)
    {
        lock (_entries)
        {
            _expectedErrors.Add(expected);
        }
    }

    /// <summary>Throws, listing each event with its exception, if an unexpected Error or Critical event was logged.</summary>
    public void ThrowIfUnexpectedErrors(string source)
    {
        var errors = UnexpectedErrors;
        if (errors.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(
                $"{source} logged {errors.Count} Error or Critical event(s):\n" + string.Join("\n---\n", errors));
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
        // The entries stay readable after the server is gone: that is when tests check them.
    }

    private void Add(LogEntry entry)
    {
        lock (_entries)
        {
            _entries.Add(entry);
        }
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                capture.Add(new LogEntry(category, eventId, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
