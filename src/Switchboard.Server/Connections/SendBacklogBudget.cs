using Microsoft.Extensions.Options;

namespace Switchboard.Server.Connections;

/// <summary>
/// The bytes all connections together may keep queued for clients that are behind: those whose output is
/// blocked because they are not taking what is sent to them (<see cref="SwitchboardOptions.TotalSendQueueByteLimit"/>).
/// Each connection's own queue is bounded too; this bounds their sum, so many clients that each stay just
/// under their own limit cannot together make the server hold more than this.
/// </summary>
/// <remarks>
/// Only a blocked connection's queue counts: what a connection that keeps up has queued leaves within the
/// piece of work that queued it, and counting it would put a shared counter on every relayed message.
/// </remarks>
internal sealed class SendBacklogBudget
{
    private readonly long _limit;
    private long _held;

    public SendBacklogBudget(IOptions<SwitchboardOptions> options)
        : this(options.Value.TotalSendQueueByteLimit)
    {
    }

    public SendBacklogBudget(long limit)
    {
        _limit = limit;
    }

    public long Limit => _limit;

    /// <summary>Bytes held for blocked connections right now.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>Counts <paramref name="bytes"/> more if the limit allows; false (and nothing counted) otherwise.</summary>
    public bool TryAdd(int bytes)
    {
        if (Interlocked.Add(ref _held, bytes) > _limit)
        {
            Interlocked.Add(ref _held, -bytes);
            return false;
        }

        return true;
    }

    /// <summary>Counts bytes that are already held (a connection that has just become blocked), whatever the limit.</summary>
    public void Add(int bytes) => Interlocked.Add(ref _held, bytes);

    public void Release(int bytes) => Interlocked.Add(ref _held, -bytes);
}
