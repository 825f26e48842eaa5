using Switchboard.Client;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>
/// Reads a client's events in the background, as an application would. A test waits for the next event of a type
/// it has not taken yet (always with a timeout): events of other types stay available for later waits, so the order
/// of the waits need not match the interleaving of different types, while events of one type come in order.
/// </summary>
internal sealed class EventLog : IAsyncDisposable
{
    private readonly List<SwitchboardEvent> _seen = [];
    private readonly HashSet<int> _taken = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

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
                        _changed.TrySetResult();
                        _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                lock (_seen)
                {
                    _ended = true;
                    _changed.TrySetResult();
                }
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

    /// <summary>The earliest event of type <typeparamref name="T"/> that matches and that no wait has taken yet.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
        where T : SwitchboardEvent
    {
        var deadline = Task.Delay(timeout ?? TestTimeouts.Default);
        while (true)
        {
            Task changed;
            lock (_seen)
            {
                for (var i = 0; i < _seen.Count; i++)
                {
                    if (!_taken.Contains(i) && _seen[i] is T wanted && (match is null || match(wanted)))
                    {
                        _taken.Add(i);
                        return wanted;
                    }
                }

                if (_ended)
                {
                    throw new InvalidOperationException($"The client's events ended before a {typeof(T).Name}; seen: {Describe()}");
                }

                changed = _changed.Task;
            }

            if (await Task.WhenAny(changed, deadline) == deadline)
            {
                lock (_seen)
                {
                    throw new TimeoutException($"No {typeof(T).Name} in time; seen: {Describe()}");
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading.WaitAsync(TestTimeouts.Default).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private string Describe() => string.Join(", ", _seen.Select(e => e.GetType().Name));
}
