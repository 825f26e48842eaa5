using System.Buffers;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Connections;

/// <summary>
/// The bytes all connections together may hold for messages that have not completely arrived
/// (<see cref="SwitchboardOptions.PartialMessageByteLimit"/>). Each buffer that holds part of a frame or
/// of a fragmented message is rented through here and counted by its real length, so a crowd of clients
/// that each start a large message cannot make the process hold more than this, whatever they announce.
/// </summary>
internal sealed class ReceiveBufferBudget : ByteBudget
{
    public ReceiveBufferBudget(IOptions<SwitchboardOptions> options)
        : this(options.Value.PartialMessageByteLimit)
    {
    }

    public ReceiveBufferBudget(long limit)
        : base(limit)
    {
    }

    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes, or null when the budget cannot cover it.</summary>
    public byte[]? TryRent(int minimumLength)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(minimumLength);
        if (!TryAdd(buffer.Length))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }

        return buffer;
    }

    public void Return(byte[] buffer)
    {
        Release(buffer.Length);
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
