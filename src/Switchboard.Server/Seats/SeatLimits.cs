using Switchboard.Server.Connections;

namespace Switchboard.Server.Seats;

/// <summary>What an away seat may keep for its return, shared by every seat.</summary>
internal sealed class SeatLimits
{
    public SeatLimits(SwitchboardOptions options, SendBacklogBudget total)
    {
        GracePeriod = options.ResumeGracePeriod;
        // What waited is queued on the resumed connection at once: it must leave room there for live traffic.
        MessageLimit = Math.Max(1, Math.Min(options.ResumeBufferLimit, options.SendQueueLimit / 2));
        ByteLimit = Math.Max(1, Math.Min(options.ResumeBufferByteLimit, options.SendQueueByteLimit / 2));
        Total = total;
    }

    /// <summary>How long a seat waits for a resume; zero: seats end with their connection.</summary>
    public TimeSpan GracePeriod { get; }

    /// <summary><see cref="SwitchboardOptions.ResumeBufferLimit"/>, at most half of <see cref="SwitchboardOptions.SendQueueLimit"/>.</summary>
    public int MessageLimit { get; }

    /// <summary><see cref="SwitchboardOptions.ResumeBufferByteLimit"/>, at most half of <see cref="SwitchboardOptions.SendQueueByteLimit"/>.</summary>
    public int ByteLimit { get; }

    /// <summary>
    /// The bytes kept for all clients that are behind: an away seat is one, so what seats keep and what
    /// blocked connections queue share <see cref="SwitchboardOptions.TotalSendQueueByteLimit"/>.
    /// </summary>
    public SendBacklogBudget Total { get; }
}
