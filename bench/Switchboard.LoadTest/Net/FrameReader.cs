using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;

namespace Switchboard.LoadTest.Net;

/// <summary>
/// One connection's received bytes and the server frames in them. Every complete frame a receive brought
/// in is parsed from the buffer it landed in: an unfragmented message is handed out as a slice of that
/// buffer, without a copy. The buffer is rented, so a client that gives it back while idle holds none.
/// </summary>
internal sealed class FrameReader
{
    public const int BufferSize = 4096;
    public const int MaxMessageSize = 1024 * 1024;

    private const int MaxFrameHeader = 10;

    private byte[]? _buffer;
    private int _start;
    private int _end;

    // The frame at _start needs this many bytes in all: how much room the next receive must have.
    private int _needed;

    private byte[]? _fragments;
    private int _fragmentLength;
    private bool _inFragmentedMessage;

    /// <summary>Takes over bytes that came in with the handshake's response (frames the server sent right after it).</summary>
    public void Adopt(byte[] rented, int start, int end)
    {
        _buffer = rented;
        _start = start;
        _end = end;
        ReleaseIfEmpty();
    }

    /// <summary>
    /// Takes the next complete frame, skipping pongs and the non-final fragments it collects. The payload
    /// is valid until the next call of <see cref="FreeSpace"/>. Throws <see cref="WebSocketException"/> on a
    /// protocol violation.
    /// </summary>
    public FrameStep Next(out ReadOnlyMemory<byte> payload)
    {
        while (true)
        {
            payload = default;
            var available = _end - _start;
            if (available < 2)
            {
                _needed = MaxFrameHeader;
                return FrameStep.NeedMore;
            }

            var frame = _buffer.AsSpan(_start, available);
            var first = frame[0];
            var second = frame[1];
            if ((first & 0x70) != 0 || (second & 0x80) != 0)
            {
                // No extension was negotiated, and a server never masks.
                throw Violation($"the server sent a frame with reserved bits or a mask (0x{first:x2} 0x{second:x2})");
            }

            var headerLength = 2;
            ulong length = (uint)(second & 0x7F);
            if (length == 126)
            {
                headerLength = 4;
                if (available < headerLength)
                {
                    _needed = MaxFrameHeader;
                    return FrameStep.NeedMore;
                }

                length = BinaryPrimitives.ReadUInt16BigEndian(frame[2..]);
            }
            else if (length == 127)
            {
                headerLength = 10;
                if (available < headerLength)
                {
                    _needed = MaxFrameHeader;
                    return FrameStep.NeedMore;
                }

                length = BinaryPrimitives.ReadUInt64BigEndian(frame[2..]);
            }

            if (length > MaxMessageSize)
            {
                throw Violation($"a frame from the server exceeded {MaxMessageSize} bytes");
            }

            var frameLength = headerLength + (int)length;
            if (available < frameLength)
            {
                _needed = frameLength;
                return FrameStep.NeedMore;
            }

            payload = _buffer.AsMemory(_start + headerLength, (int)length);
            _start += frameLength;
            var final = (first & 0x80) != 0;
            var opcode = (FrameOpcode)(first & 0x0F);
            switch (opcode)
            {
                case FrameOpcode.Text or FrameOpcode.Binary when !_inFragmentedMessage:
                    if (final)
                    {
                        return FrameStep.Message;
                    }

                    _inFragmentedMessage = true;
                    _fragmentLength = 0;
                    AppendFragment(payload.Span);
                    continue;
                case FrameOpcode.Continuation when _inFragmentedMessage:
                    AppendFragment(payload.Span);
                    if (!final)
                    {
                        continue;
                    }

                    // The caller's memory keeps the array alive; dropping it here frees it afterwards.
                    payload = _fragments.AsMemory(0, _fragmentLength);
                    _fragments = null;
                    _inFragmentedMessage = false;
                    return FrameStep.Message;
                case FrameOpcode.Ping or FrameOpcode.Pong or FrameOpcode.Close when !final || length > 125:
                    throw Violation($"the server sent a fragmented or oversized control frame ({opcode})");
                case FrameOpcode.Ping:
                    return FrameStep.Ping;
                case FrameOpcode.Pong:
                    continue;
                case FrameOpcode.Close:
                    return FrameStep.Close;
                default:
                    throw Violation($"the server sent an unexpected frame (opcode 0x{(int)opcode:x}{(_inFragmentedMessage ? ", inside a fragmented message" : "")})");
            }
        }
    }

    /// <summary>
    /// Where the next receive writes: after the bytes already buffered, with room for at least the whole
    /// frame in progress. Rents the buffer if none is held. Invalidates payloads handed out before.
    /// </summary>
    public Memory<byte> FreeSpace()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(BufferSize, _needed));
            _start = _end = 0;
        }
        else if (_start == _end)
        {
            _start = _end = 0;
        }

        if (_start + _needed > _buffer.Length || _end == _buffer.Length)
        {
            // A frame split over several reads: move its beginning to the front, or into a larger buffer.
            var target = _needed > _buffer.Length ? ArrayPool<byte>.Shared.Rent(_needed) : _buffer;
            _buffer.AsSpan(_start, _end - _start).CopyTo(target);
            if (!ReferenceEquals(target, _buffer))
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = target;
            }

            _end -= _start;
            _start = 0;
        }

        return _buffer.AsMemory(_end);
    }

    /// <summary>Counts <paramref name="count"/> bytes received into <see cref="FreeSpace"/>.</summary>
    public void Advance(int count) => _end += count;

    /// <summary>Gives the buffer back when it holds no partial frame; true when none is held afterwards.</summary>
    public bool ReleaseIfEmpty()
    {
        if (_buffer is not null && _start == _end)
        {
            Release();
        }

        return _buffer is null;
    }

    /// <summary>Gives the buffer back, whatever it holds. Only when no receive into it is pending.</summary>
    public void Release()
    {
        var buffer = _buffer;
        _buffer = null;
        _start = _end = 0;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void AppendFragment(ReadOnlySpan<byte> fragment)
    {
        var length = _fragmentLength + fragment.Length;
        if (length > MaxMessageSize)
        {
            throw Violation($"a message from the server exceeded {MaxMessageSize} bytes");
        }

        if (_fragments is null || _fragments.Length < length)
        {
            var larger = new byte[Math.Max(length, Math.Min(MaxMessageSize, Math.Max(BufferSize, (_fragments?.Length ?? 0) * 2)))];
            _fragments?.AsSpan(0, _fragmentLength).CopyTo(larger);
            _fragments = larger;
        }

        fragment.CopyTo(_fragments.AsSpan(_fragmentLength));
        _fragmentLength = length;
    }

    private static WebSocketException Violation(string message) => new(WebSocketError.Faulted, message);
}
