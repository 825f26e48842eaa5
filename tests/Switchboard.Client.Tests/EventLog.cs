using System.Threading.Channels;
using Switchboard.Client;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>
/// Reads a client's events in the background, as an application would, so tests can wait for the one they
/// expect (always with a timeout) and then look at everything that came before it.
/// </summary>
internal sealed class EventLog : IAsyncDisposable
{
    private readonly Channel<SwitchboardEvent> _unread = Channel.CreateUnbounded<SwitchboardEvent>();
    private readonly List<SwitchboardEvent> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    public EventLog(SwitchboardClient client)
    {
        _reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in client.ReadEventsAsync(_stop.Token))
                {
                    lock (_seen)
                    {
                        _seen.Add(item);
                    }

                    _unread.Writer.TryWrite(item);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _unread.Writer.TryComplete();
            }
        });
    }

    /// <summary>Every event read so far, in order.</summary>
    public IReadOnlyList<SwitchboardEvent> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    /// <summary>Completes when the client's event stream has ended (after <see cref="Closed"/>).</summary>
    public Task Ended => _reading;

    /// <summary>The next event of type <typeparamref name="T"/> that matches, skipping others (they stay in <see cref="Seen"/>).</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
        where T : SwitchboardEvent
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
        try
        {
            while (true)
            {
                var item = await _unread.Reader.ReadAsync(cts.Token);
                if (item is T wanted && (match is null || match(wanted)))
                {
                    return wanted;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No {typeof(T).Name} in time; seen: {string.Join(", ", Seen.Select(e => e.GetType().Name))}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The client's events ended before a {typeof(T).Name}; seen: {string.Join(", ", Seen.Select(e => e.GetType().Name))}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading.WaitAsync(TestTimeouts.Default).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
