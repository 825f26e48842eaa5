using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text.Unicode;
using Switchboard.Server.Protocol;
using Switchboard.Server.Transport.Epoll;

namespace Switchboard.Server.Transport;

/// <summary>
/// The reading half: RFC 6455 frames from the client, checked as strictly as .NET's own WebSocket checks
/// them (masking, reserved bits, opcodes, control-frame rules, fragmentation, UTF-8, the size limit).
/// </summary>
internal sealed partial class FramedPeerConnection
{
    /// <summary>One read takes up to this much; it is the loop thread's buffer, shared by all its connections.</summary>
    private const int ReceiveBufferSize = 64 * 1024;

    private const int InitialCarryOverSize = 4096;
    private const int MaxHeaderLength = 14;

    [ThreadStatic]
    private static byte[]? _receiveBuffer;

    /// <summary>Bytes of a frame that has not completely arrived; rented only while that is so.</summary>
    private byte[]? _inbox;
    private int _inboxCount;

    /// <summary>A fragmented message being put together; rented only while that is so.</summary>
    private byte[]? _message;
    private int _messageCount;
    private byte _messageOpcode;

    /// <summary>After a protocol error or the client's close, what still arrives is read and dropped.</summary>
    private bool _discarding;
    private bool _closeReceived;

    private void OnReadable()
    {
        var buffer = _inbox ?? (_receiveBuffer ??= new byte[ReceiveBufferSize]);
        var offset = _inbox is null ? 0 : _inboxCount;
        var count = EpollInterop.Receive(_registration.Fd, buffer.AsSpan(offset), out var errno);
        if (count < 0 && errno is EpollInterop.WouldBlock or EpollInterop.Interrupted)
        {
            // Nothing after all, or a signal: level-triggered epoll reports the socket again if need be.
            return;
        }

        if (count <= 0)
        {
            // The client hung up or reset, or the server shut the socket to end it (Abort).
            Teardown();
            return;
        }

        Volatile.Write(ref _lastHeard, _shared.TimeProvider.GetTimestamp());
        if (_discarding)
        {
            _inboxCount = 0;
            return;
        }

        var available = offset + count;
        var consumed = ReadFrames(buffer.AsSpan(0, available), out var needed);
        KeepRest(buffer, consumed, available, needed);
    }

    /// <summary>Carries an incomplete frame over to the next read, in a buffer big enough for all of it.</summary>
    private void KeepRest(byte[] buffer, int consumed, int available, int needed)
    {
        var rest = available - consumed;
        if (rest == 0 || _discarding || _tornDown)
        {
            if (_inbox is not null)
            {
                ArrayPool<byte>.Shared.Return(_inbox);
                _inbox = null;
            }

            _inboxCount = 0;
            return;
        }

        var size = Math.Max(needed, InitialCarryOverSize);
        if (buffer == _inbox && buffer.Length >= size)
        {
            buffer.AsSpan(consumed, rest).CopyTo(buffer);
        }
        else
        {
            var carry = ArrayPool<byte>.Shared.Rent(size);
            buffer.AsSpan(consumed, rest).CopyTo(carry);
            if (_inbox is not null)
            {
                ArrayPool<byte>.Shared.Return(_inbox);
            }

            _inbox = carry;
        }

        _inboxCount = rest;
    }

    /// <summary>Handles every complete frame in <paramref name="data"/>; returns how many bytes they took.</summary>
    /// <param name="data">What has arrived and not been handled yet; unmasked in place.</param>
    /// <param name="needed">When a frame is incomplete: how many bytes it takes in all (header included).</param>
    private int ReadFrames(Span<byte> data, out int needed)
    {
        var at = 0;
        needed = 0;
        while (!_discarding && !_tornDown)
        {
            var rest = data[at..];
            if (rest.Length < 2)
            {
                needed = MaxHeaderLength;
                break;
            }

            var first = rest[0];
            var second = rest[1];
            var final = (first & 0x80) != 0;
            var opcode = (byte)(first & 0x0F);
            var lengthCode = second & 0x7F;
            if ((first & 0x70) != 0)
            {
                return Fail(WebSocketCloseStatus.ProtocolError, "reserved bits set without an extension", data.Length);
            }

            if ((second & 0x80) == 0)
            {
                return Fail(WebSocketCloseStatus.ProtocolError, "a client frame was not masked", data.Length);
            }

            var headerLength = 6 + lengthCode switch { 126 => 2, 127 => 8, _ => 0 };
            if (rest.Length < headerLength)
            {
                needed = headerLength;
                break;
            }

            var length = lengthCode switch
            {
                126 => BinaryPrimitives.ReadUInt16BigEndian(rest[2..]),
                127 => BinaryPrimitives.ReadUInt64BigEndian(rest[2..]),
                _ => (ulong)lengthCode,
            };

            if (!CheckFrame(final, opcode, length))
            {
                return data.Length;
            }

            var frameLength = headerLength + (int)length;
            if (rest.Length < frameLength)
            {
                needed = frameLength;
                break;
            }

            var payload = rest.Slice(headerLength, (int)length);
            Unmask(payload, BinaryPrimitives.ReadUInt32LittleEndian(rest[(headerLength - 4)..]));
            OnFrame(final, opcode, payload);
            at += frameLength;
        }

        return _discarding || _tornDown ? data.Length : at;
    }

    /// <summary>The frame's header is acceptable; otherwise the connection is failed and false returned.</summary>
    private bool CheckFrame(bool final, byte opcode, ulong length)
    {
        switch (opcode)
        {
            case WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong:
                if (!final || length > 125)
                {
                    Fail(WebSocketCloseStatus.ProtocolError, "a control frame was fragmented or longer than 125 bytes", 0);
                    return false;
                }

                return true;
            case WebSocketOpcode.Text or WebSocketOpcode.Binary when _messageOpcode != 0:
                Fail(WebSocketCloseStatus.ProtocolError, "a new message started before the last one ended", 0);
                return false;
            case WebSocketOpcode.Continuation when _messageOpcode == 0:
                Fail(WebSocketCloseStatus.ProtocolError, "a continuation frame without a message", 0);
                return false;
            case WebSocketOpcode.Text or WebSocketOpcode.Binary or WebSocketOpcode.Continuation:
                var limit = _shared.Options.MaxMessageSize;
                if (length > (ulong)(limit - _messageCount))
                {
                    Log.MessageTooBig(_shared.Logger, Id, limit);
                    Fail(WebSocketCloseStatus.MessageTooBig, $"message larger than {limit} bytes", 0);
                    return false;
                }

                return true;
            default:
                Fail(WebSocketCloseStatus.ProtocolError, $"unknown opcode {opcode}", 0);
                return false;
        }
    }

    private void OnFrame(bool final, byte opcode, Span<byte> payload)
    {
        switch (opcode)
        {
            case WebSocketOpcode.Text or WebSocketOpcode.Binary when final:
                Deliver(opcode, payload);
                break;
            case WebSocketOpcode.Text or WebSocketOpcode.Binary:
                _messageOpcode = opcode;
                _messageCount = 0;
                Append(payload);
                break;
            case WebSocketOpcode.Continuation:
                Append(payload);
                if (final)
                {
                    var message = _message!;
                    Deliver(_messageOpcode, message.AsSpan(0, _messageCount));
                    _message = null;
                    _messageOpcode = 0;
                    ArrayPool<byte>.Shared.Return(message);
                }

                break;
            case WebSocketOpcode.Ping:
                SendControl(WebSocketOpcode.Pong, payload);
                break;
            case WebSocketOpcode.Close:
                OnCloseFrame(payload);
                break;
            default:
                // A pong: reading it already counted as a sign of life.
                break;
        }
    }

    private void Append(ReadOnlySpan<byte> payload)
    {
        var needed = _messageCount + payload.Length;
        if (_message is null || _message.Length < needed)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(InitialCarryOverSize, (_message?.Length ?? 0) * 2)));
            if (_message is not null)
            {
                _message.AsSpan(0, _messageCount).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_message);
            }

            _message = larger;
        }

        payload.CopyTo(_message.AsSpan(_messageCount));
        _messageCount = needed;
    }

    private void Deliver(byte opcode, ReadOnlySpan<byte> message)
    {
        if (IsClosing)
        {
            // The server has asked to close: what still arrives is not acted on.
            return;
        }

        if (opcode == WebSocketOpcode.Text && !Utf8.IsValid(message))
        {
            Fail(WebSocketCloseStatus.InvalidPayloadData, "a text message was not valid UTF-8", 0);
            return;
        }

        try
        {
            if (opcode == WebSocketOpcode.Text)
            {
                _shared.Handler.OnText(this, message);
            }
            else
            {
                _shared.Handler.OnBinary(this);
            }
        }
        catch (Exception ex)
        {
            // A bug in a handler costs this connection only.
            Log.HandlerFailed(_shared.Logger, Id, ex);
            RequestClose(WebSocketCloseStatus.InternalServerError, "internal error");
        }
    }

    private void OnCloseFrame(ReadOnlySpan<byte> payload)
    {
        _discarding = true;
        var status = WebSocketCloseStatus.NormalClosure;
        if (payload.Length == 1)
        {
            status = WebSocketCloseStatus.ProtocolError;
        }
        else if (payload.Length >= 2)
        {
            var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
            status = !IsValidCloseCode(code) ? WebSocketCloseStatus.ProtocolError
                : !Utf8.IsValid(payload[2..]) ? WebSocketCloseStatus.InvalidPayloadData
                : (WebSocketCloseStatus)code;
        }

        // Answer with the client's own status (or ours, if its close was malformed) once what is queued
        // has gone; a close of ours already on its way is the answer.
        if (!CloseAnswered())
        {
            RequestClose(status, string.Empty);
        }
    }

    /// <summary>RFC 6455 §7.4: codes a peer may send in a close frame.</summary>
    private static bool IsValidCloseCode(ushort code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    /// <summary>Closes with <paramref name="status"/> and ignores the rest of the input; returns <paramref name="consumed"/>.</summary>
    private int Fail(WebSocketCloseStatus status, string reason, int consumed)
    {
        if (status != WebSocketCloseStatus.MessageTooBig)
        {
            Log.ProtocolViolation(_shared.Logger, Id, reason, (int)status);
        }

        _discarding = true;
        RequestClose(status, reason);
        return consumed;
    }

    private static void Unmask(Span<byte> payload, uint mask)
    {
        // Eight bytes at a time: the mask repeated twice, then the tail byte by byte.
        var wide = ((ulong)mask << 32) | mask;
        var i = 0;
        for (; i + 8 <= payload.Length; i += 8)
        {
            var span = payload.Slice(i, 8);
            BinaryPrimitives.WriteUInt64LittleEndian(span, BinaryPrimitives.ReadUInt64LittleEndian(span) ^ wide);
        }

        for (; i < payload.Length; i++)
        {
            payload[i] ^= (byte)(mask >> (8 * (i & 3)));
        }
    }
}
