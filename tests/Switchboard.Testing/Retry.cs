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
}
