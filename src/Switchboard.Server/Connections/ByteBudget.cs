namespace Switchboard.Server.Connections;

/// <summary>
/// Bytes that all connections together may hold for one purpose, counted with one shared counter. What a
/// single client may hold is bounded per connection; this bounds the sum over all of them.
/// </summary>
internal abstract class ByteBudget
{
    private long _held;

    protected ByteBudget(long limit)
    {
        Limit = limit;
    }

    public long Limit { get; }

    /// <summary>Bytes held right now.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>Counts <paramref name="bytes"/> more if the limit allows; false (and nothing counted) otherwise.</summary>
    public bool TryAdd(int bytes)
    {
        if (Interlocked.Add(ref _held, bytes) > Limit)
        {
            Interlocked.Add(ref _held, -bytes);
            return false;
        }

        return true;
    }

    /// <summary>Counts bytes that are already held, whatever the limit.</summary>
    public void Add(int bytes) => Interlocked.Add(ref _held, bytes);

    public void Release(int bytes) => Interlocked.Add(ref _held, -bytes);
}
