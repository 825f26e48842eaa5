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
internal sealed class SendBacklogBudget : ByteBudget
{
    public SendBacklogBudget(IOptions<SwitchboardOptions> options)
        : this(options.Value.TotalSendQueueByteLimit)
    {
    }

    public SendBacklogBudget(long limit)
        : base(limit)
    {
    }
}
