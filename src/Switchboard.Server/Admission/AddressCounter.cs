using System.Collections.Concurrent;
using System.Net;

namespace Switchboard.Server.Admission;

/// <summary>
/// Counts per address against one limit, without a lock of its own: an entry lives while its count is
/// above zero and is retired (count <see cref="AddressCount.Retired"/>) and removed when it falls to zero,
/// so the table holds only addresses that hold something. Memory: one entry per address, not per connection.
/// </summary>
internal sealed class AddressCounter
{
    private readonly ConcurrentDictionary<IPAddress, AddressCount> _table = new();
    private readonly int _limit;

    /// <param name="limit">The most one address may hold; 0 for no limit (then nothing is counted).</param>
    public AddressCounter(int limit) => _limit = limit;

    public bool Enabled => _limit > 0;

    /// <summary>Addresses that hold something right now.</summary>
    public int Addresses => _table.Count;

    /// <summary>Takes one for <paramref name="key"/>; null when the address already holds its limit.</summary>
    public AddressCount? TryTake(IPAddress key)
    {
        while (true)
        {
            var entry = _table.GetOrAdd(key, static k => new AddressCount(k));
            var count = Volatile.Read(ref entry.Count);
            if (count == AddressCount.Retired)
            {
                // Emptied and being removed by another thread: the next look finds a fresh entry.
                Thread.Yield();
                continue;
            }

            if (count >= _limit)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref entry.Count, count + 1, count) == count)
            {
                return entry;
            }
        }
    }

    /// <summary>Gives one back; the entry goes when it holds nothing.</summary>
    public void Return(AddressCount entry)
    {
        if (Interlocked.Decrement(ref entry.Count) == 0
            && Interlocked.CompareExchange(ref entry.Count, AddressCount.Retired, 0) == 0)
        {
            _table.TryRemove(new KeyValuePair<IPAddress, AddressCount>(entry.Address!, entry));
        }
    }

    /// <summary>What <paramref name="key"/> holds now (tests, diagnostics).</summary>
    public int CountOf(IPAddress key) => _table.TryGetValue(key, out var entry) ? Math.Max(0, Volatile.Read(ref entry.Count)) : 0;
}
