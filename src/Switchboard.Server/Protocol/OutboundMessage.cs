using System.Buffers;

namespace Switchboard.Server.Protocol;

/// <summary>
/// One formatted message on its way to one or more connections. Formatted once, written to every
/// recipient, and its pooled buffer returned when the last recipient has written it (or dropped it).
/// </summary>
internal sealed class OutboundMessage
{
    private byte[]? _buffer;
    private int _length;
    private int _references = 1;

    private OutboundMessage(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public int Length => _length;

    public ReadOnlyMemory<byte> Memory => new(_buffer ?? throw new ObjectDisposedException(nameof(OutboundMessage)), 0, _length);

    /// <summary>A message over a pooled buffer of at least <paramref name="length"/> bytes; the caller fills <see cref="WritableSpan"/> and holds the first reference.</summary>
    public static OutboundMessage Rent(int length) => new(ArrayPool<byte>.Shared.Rent(length), length);

    public static OutboundMessage CopyOf(ReadOnlySpan<byte> bytes)
    {
        var message = Rent(bytes.Length);
        bytes.CopyTo(message.WritableSpan);
        return message;
    }

    public Span<byte> WritableSpan => _buffer.AsSpan(0, _length);

    /// <summary>Shortens the message after its writer used less than it rented.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        _length = length;
    }

    public OutboundMessage AddReference()
    {
        Interlocked.Increment(ref _references);
        return this;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            var buffer = Interlocked.Exchange(ref _buffer, null);
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
