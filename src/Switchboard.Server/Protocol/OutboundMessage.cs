using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace Switchboard.Server.Protocol;

/// <summary>
/// One formatted message on its way to one or more connections. Formatted once, written to every
/// recipient, and its pooled buffer returned when the last recipient has written it (or dropped it).
/// The object itself is pooled too, so relaying a message allocates nothing: whoever drops the last
/// reference must not touch the message again.
/// </summary>
/// <remarks>
/// The buffer keeps room in front of the payload for the WebSocket frame header. A server's frames are
/// not masked, so the whole frame is the same for every recipient: it is built once, and the epoll
/// transport writes it with a single send.
/// </remarks>
internal sealed class OutboundMessage
{
    /// <summary>The longest frame header a server writes: 2 bytes, plus 8 for a 64-bit length.</summary>
    public const int MaxHeaderLength = 10;

    private const byte FinalFrame = 0x80;

    /// <summary>Marks bytes that are already framed (the unsent rest of several coalesced frames).</summary>
    private const byte RawBytes = 0xFF;

    /// <summary>Enough spare objects for the messages in flight at once on a busy server; beyond it they are left to the GC.</summary>
    private const int MaxPooled = 4096;

    private static readonly ConcurrentQueue<OutboundMessage> _pool = new();
    private static int _pooled;

    private byte _opcode;
    private byte[]? _buffer;
    private int _length;
    private int _frameStart;
    private int _references;

    private OutboundMessage()
    {
    }

    /// <summary>Payload length in bytes.</summary>
    public int Length => _length;

    /// <summary>The payload alone, without the frame header.</summary>
    public ReadOnlyMemory<byte> Memory => new(Buffer, MaxHeaderLength, _length);

    /// <summary>The complete WebSocket frame: header and payload.</summary>
    public ReadOnlyMemory<byte> Frame => new(Buffer, _frameStart, MaxHeaderLength - _frameStart + _length);

    /// <summary>A control frame (close, ping, pong) rather than a text message.</summary>
    public bool IsControl => _opcode != RawBytes && (_opcode & 0x08) != 0;

    public bool IsClose => _opcode == WebSocketOpcode.Close;

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(OutboundMessage));

    /// <summary>A text message over a pooled buffer of at least <paramref name="length"/> bytes; the caller fills <see cref="WritableSpan"/> and holds the first reference.</summary>
    public static OutboundMessage Rent(int length) => Rent(length, WebSocketOpcode.Text);

    public static OutboundMessage Rent(int length, byte opcode) => Take(ArrayPool<byte>.Shared.Rent(MaxHeaderLength + length), length, opcode);

    public static OutboundMessage CopyOf(ReadOnlySpan<byte> bytes, byte opcode = WebSocketOpcode.Text)
    {
        var message = Rent(bytes.Length, opcode);
        bytes.CopyTo(message.WritableSpan);
        return message;
    }

    /// <summary>Bytes that are already one or more complete frames; <see cref="Frame"/> is exactly them.</summary>
    public static OutboundMessage Raw(ReadOnlySpan<byte> frames)
    {
        var message = Take(ArrayPool<byte>.Shared.Rent(MaxHeaderLength + frames.Length), frames.Length, RawBytes);
        frames.CopyTo(message.WritableSpan);
        return message;
    }

    public Span<byte> WritableSpan => Buffer.AsSpan(MaxHeaderLength, _length);

    /// <summary>Shortens the message after its writer used less than it rented. Only before it is shared.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        SetLength(length);
    }

    /// <summary>Replaces the payload of a message only its owner holds, within what it was rented for.</summary>
    public void Rewrite(ReadOnlySpan<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, Buffer.Length - MaxHeaderLength);
        payload.CopyTo(Buffer.AsSpan(MaxHeaderLength));
        SetLength(payload.Length);
    }

    public OutboundMessage AddReference()
    {
        Interlocked.Increment(ref _references);
        return this;
    }

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left > 0)
        {
            return;
        }

        if (left < 0)
        {
            // A second release of the last reference would hand one object to two owners.
            throw new InvalidOperationException("An outbound message was released more often than it was referenced.");
        }

        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (Interlocked.Increment(ref _pooled) <= MaxPooled)
        {
            _pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
        }
    }

    private static OutboundMessage Take(byte[] buffer, int length, byte opcode)
    {
        if (_pool.TryDequeue(out var message))
        {
            Interlocked.Decrement(ref _pooled);
        }
        else
        {
            message = new OutboundMessage();
        }

        message._buffer = buffer;
        message._opcode = opcode;
        message._references = 1;
        message.SetLength(length);
        return message;
    }

    private void SetLength(int length)
    {
        _length = length;
        var buffer = Buffer;
        if (_opcode == RawBytes)
        {
            _frameStart = MaxHeaderLength;
            return;
        }

        if (length <= 125)
        {
            _frameStart = MaxHeaderLength - 2;
            buffer[_frameStart + 1] = (byte)length;
        }
        else if (length <= ushort.MaxValue)
        {
            _frameStart = MaxHeaderLength - 4;
            buffer[_frameStart + 1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(_frameStart + 2), (ushort)length);
        }
        else
        {
            _frameStart = 0;
            buffer[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(buffer.AsSpan(2), (ulong)length);
        }

        buffer[_frameStart] = (byte)(FinalFrame | _opcode);
    }
}
