using System.Runtime.InteropServices;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Diagnostics;

/// <summary>
/// One thread's share of <see cref="SwitchboardMetrics"/>' counters. Only its own thread writes it, with
/// plain increments: no interlocked instruction and no shared cache line on the per-message path. The
/// exporter sums every thread's values when it is scraped.
/// </summary>
internal sealed class ThreadCounters
{
    public ThreadCounters(SwitchboardMetrics owner, int threadId)
    {
        Owner = owner;
        ThreadId = threadId;
    }

    public SwitchboardMetrics Owner { get; }

    public int ThreadId { get; }

    /// <summary>The per-message counters, padded so two threads' counters never share a cache line.</summary>
    public HotCounters Hot;

    public readonly long[] Errors = new long[ErrorCodes.All.Length];

    public readonly long[] Closes = new long[CloseReasons.Count];

    public readonly long[] Handshakes = new long[HandshakeResults.Count];

    [StructLayout(LayoutKind.Explicit, Size = 192)]
    internal struct HotCounters
    {
        [FieldOffset(64)]
        public long MessagesReceived;

        [FieldOffset(72)]
        public long MessagesRelayed;

        [FieldOffset(80)]
        public long BytesReceived;

        [FieldOffset(88)]
        public long BytesSent;
    }
}
