using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Switchboard.Host.Cli;

/// <summary>
/// Turns whatever stopped the server from starting (a value that does not parse, a failed validation, an
/// unreadable --config file or certificate, a port in use) into one line on stderr and exit status 2,
/// instead of an unhandled exception, a stack trace and SIGABRT.
/// </summary>
internal static class StartupFailure
{
    public static int Report(Exception error, TextWriter stderr)
    {
        stderr.WriteLine("switchboard: " + Describe(error));
        return SwitchboardCommandLine.UsageError;
    }

    /// <summary>Disposes a host that failed to start, so the log lines it queued are written; its own failure to stop adds nothing.</summary>
    public static async Task DisposeQuietlyAsync(WebApplication? app)
    {
        if (app is null)
        {
            return;
        }

        try
        {
            await app.DisposeAsync();
        }
#pragma warning disable CA1031 // the start already failed and was reported; a second failure would only hide it
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public static string Describe(Exception error)
    {
        var message = error switch
        {
            _ when Find<AddressInUseException>(error) is not null || Find<SocketException>(error) is { SocketErrorCode: SocketError.AddressAlreadyInUse } =>
                $"{FirstLine(error)} Another process (maybe another Switchboard) listens there: choose another port with --port N (or PORT, or the address in --urls / --metrics-urls), or stop the other one.",
            OptionsValidationException validation => string.Join(" ", validation.Failures),
            AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
            // "Failed to load configuration from file …" says where; the inner JSON error says what.
            InvalidDataException { InnerException: { } inner } => $"{error.Message} {inner.Message} {Innermost(inner).Message}",
            _ => error.InnerException is { } inner && !error.Message.Contains(inner.Message, StringComparison.Ordinal)
                ? $"{error.Message} {inner.Message}"
                : error.Message,
        };
        return string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static string FirstLine(Exception error)
    {
        // Kestrel wraps the bind failure: "Failed to bind to address http://[::]:8080: address already in use."
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                return e.Message.TrimEnd() is var m && m.EndsWith('.') ? m : m + ".";
            }
        }

        return "address already in use.";
    }

    private static Exception Innermost(Exception error) => error.InnerException is { } inner ? Innermost(inner) : error;

    private static T? Find<T>(Exception error)
        where T : Exception
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
