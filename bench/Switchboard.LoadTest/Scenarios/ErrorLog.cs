using System.Collections.Concurrent;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>Counts failures and keeps the first few distinct ones, so a result says what went wrong without growing without bound.</summary>
internal sealed class ErrorLog
{
    private const int MaxKept = 20;

    private readonly ConcurrentDictionary<string, int> _kept = new(StringComparer.Ordinal);
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public void Add(string what, Exception? exception = null)
    {
        Interlocked.Increment(ref _count);
        var text = exception is null ? what : $"{what}: {exception.GetType().Name}: {exception.Message}";
        if (_kept.Count < MaxKept || _kept.ContainsKey(text))
        {
            _kept.AddOrUpdate(text, 1, (_, n) => n + 1);
        }
    }

    public void AddAll(IEnumerable<string> errors)
    {
        foreach (var error in errors)
        {
            Add(error);
        }
    }

    public IReadOnlyList<string> Describe() => [.. _kept.OrderByDescending(e => e.Value).Select(e => e.Value == 1 ? e.Key : $"{e.Key} (×{e.Value})")];
}
