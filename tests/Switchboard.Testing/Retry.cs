namespace Switchboard.Testing;

/// <summary>Waits for a condition by polling, never by sleeping a fixed time; fails with what it waited for.</summary>
public static class Retry
{
    public static async Task UntilAsync(string description, Func<bool> condition, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestTimeouts.Default);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {description}.");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>The same, for a condition that has to ask over the network.</summary>
    public static async Task UntilAsync(string description, Func<Task<bool>> condition, TimeSpan interval, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestTimeouts.Default);
        while (!await condition().WaitAsync(TestTimeouts.Default))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {description}.");
            }

            await Task.Delay(interval);
        }
    }
}
