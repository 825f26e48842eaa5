using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text.Unicode;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Connections;

/// <summary>
/// The reading half: RFC 6455 frames from the client, checked as strictly as .NET's own WebSocket checks
/// them (masking, reserved bits, opcodes, control-frame rules, fragmentation, UTF-8, the size limit).
/// </summary>
/// <remarks>
/// What a client can make the server hold is bounded before the work is done: a frame's header is checked
/// against <see cref="SwitchboardOptions.MaxMessageSize"/> before its payload is read; a frame or message
/// that has not completely arrived is kept in a buffer that grows with the bytes that did arrive (never
/// with what the header announces), rented from the <see cref="ReceiveBufferBudget"/> all connections
/// share; and one turn handles at most <see cref="SwitchboardOptions.FramesPerTurn"/> frames, so one busy
/// client cannot hold the thread its neighbours are served on. What a turn leaves waits in the same
/// buffer, the transport stops reading meanwhile, and the connection continues on a later turn.
/// </remarks>
internal sealed partial class PeerConnection
{
    /// <summary>One read takes up to this much: a client's turn, in bytes.</summary>
    public const int ReceiveBufferSize = 64 * 1024;

    private const int MinimumInboxSize = 256;

    /// <summary>Once this much of one frame has arrived, the rest is read straight into its buffer.</summary>
    private const int DirectReadThreshold = 16 * 1024;

    /// <summary>Bytes read but not yet handled: the start of a frame that has not completely arrived, or frames waiting for their turn.</summary>
    private byte[]? _inbox;
    private int _inboxCount;

    /// <summary>How many bytes the frame at the front of the inbox needs in all before it can be handled (0 when frames wait for their turn).</summary>
    private int _inboxNeeded;

    /// <summary>A fragmented message being put together; rented only while that is so.</summary>
    private byte[]? _message;
    private int _messageCount;
    private byte _messageOpcode;

    /// <summary>After a protocol error or the client's close, what still arrives is dropped unread.</summary>
    private bool _inputDiscarded;

    /// <summary>The inbox holds frames that were read but not yet handled; written under the send lock.</summary>
    private bool _inputWaiting;

    /// <summary>When the message now arriving started (0: none is): one may not take longer than PartialMessageTimeout.</summary>
    private long _partialSince;

    /// <summary>
    /// Where the transport should read next while a large frame is arriving: the free end of the buffer
    /// that holds its start, grown if it is full (at most doubling: never ahead of what arrived), so the
    /// bulk of a large message is copied once. Empty otherwise; the transport then reads into a buffer of
    /// its own and calls <see cref="OnReceived"/>.
    /// </summary>
    public Memory<byte> InboxSpace()
    {
        if (_inbox is null || _inputDiscarded || _inputWaiting || _inboxCount < DirectReadThreshold)
        {
            return Memory<byte>.Empty;
        }

        var free = _inbox.Length - _inboxCount;
        if (free == 0)
        {
            if (!GrowInbox(Math.Min(_inbox.Length * 2, Math.Max(_inboxNeeded, _inboxCount + 1))))
            {
                return Memory<byte>.Empty;
            }

            free = _inbox!.Length - _inboxCount;
        }

        return _inbox.AsMemory(_inboxCount, Math.Min(free, ReceiveBufferSize));
    }

    /// <summary>The transport read <paramref name="count"/> bytes into <see cref="InboxSpace"/>.</summary>
    public void OnReceivedIntoInbox(int count)
    {
        Volatile.Write(ref _lastHeard, _shared.TimeProvider.GetTimestamp());
        _shared.Metrics.Local.Hot.BytesReceived += count;
        if (_inbox is null || _inputDiscarded)
        {
            return;
        }

        _inboxCount += count;
        if (_inboxCount < _inboxNeeded)
        {
            // The frame in front is still incomplete: nothing to parse yet.
            return;
        }

        Process(_inbox.AsSpan(0, _inboxCount), inInbox: true);
    }

    /// <summary>The transport read <paramref name="data"/> into a buffer of its own; it is unmasked in place and only valid during the call.</summary>
    public void OnReceived(Span<byte> data)
    {
        Volatile.Write(ref _lastHeard, _shared.TimeProvider.GetTimestamp());
        _shared.Metrics.Local.Hot.BytesReceived += data.Length;
        while (_inbox is not null && !_inputWaiting && !_inputDiscarded && !data.IsEmpty)
        {
            // The start of a frame waits in the inbox: complete it with just the bytes it needs, and
            // handle everything after it where it arrived.
            var take = Math.Min(Math.Max(_inboxNeeded - _inboxCount, 1), data.Length);
            if (_inboxCount + take > _inbox.Length && !GrowInbox(Math.Max(_inboxCount + take, Math.Min(_inbox.Length * 2, _inboxNeeded))))
            {
                return;
            }

            data[..take].CopyTo(_inbox.AsSpan(_inboxCount));
            _inboxCount += take;
            data = data[take..];
            if (_inboxCount < _inboxNeeded)
            {
                return;
            }

            Process(_inbox.AsSpan(0, _inboxCount), inInbox: true);
        }

        if (_inputDiscarded || data.IsEmpty)
        {
            return;
        }

        if (_inbox is not null)
        {
            // Frames already wait for a turn: what arrived waits behind them, in order.
            if (_inboxCount + data.Length > _inbox.Length && !GrowInbox(_inboxCount + data.Length))
            {
                return;
            }

            data.CopyTo(_inbox.AsSpan(_inboxCount));
            _inboxCount += data.Length;
            return;
        }

        Process(data, inInbox: false);
    }

    /// <summary>Moves what the inbox holds into a larger buffer from the budget; false (and the connection failing with 1013) when it cannot.</summary>
    private bool GrowInbox(int size)
    {
        var larger = RentReceiveBuffer(size);
        if (larger is null)
        {
            ReleaseInbox();
            SetInputWaiting(false);
            return false;
        }

        _inbox.AsSpan(0, _inboxCount).CopyTo(larger);
        _shared.ReceiveBudget.Return(_inbox!);
        _inbox = larger;
        return true;
    }

    /// <summary>Handles frames left waiting by an earlier turn; the transport calls it after <see cref="IPeerTransport.ScheduleReceive"/>.</summary>
    public void ContinueReceiving()
    {
        if (_inbox is null || _inputDiscarded || _phase == ClosePhase.Ended)
        {
            SetInputWaiting(false);
            return;
        }

        if (Volatile.Read(ref _blocked))
        {
            // The client is not taking what it is sent; OnWritable schedules the next turn.
            return;
        }

        Process(_inbox.AsSpan(0, _inboxCount), inInbox: true);
    }

    private void Process(Span<byte> data, bool inInbox)
    {
        var consumed = ReadFrames(data, out var needed, out var waiting);
        var rest = data.Length - consumed;
        if (rest == 0 || _inputDiscarded || _phase == ClosePhase.Ended)
        {
            ReleaseInbox();
            SetInputWaiting(false);
            TrackPartial(partialFrame: false);
            return;
        }

        if (inInbox)
        {
            if (_inbox!.Length > 4 * MinimumInboxSize && rest <= _inbox.Length / 4
                && _shared.ReceiveBudget.TryRent(Math.Max(rest, MinimumInboxSize)) is { } smaller)
            {
                // Most of a large buffer is no longer needed: give it back rather than hold it for the rest.
                _inbox.AsSpan(consumed, rest).CopyTo(smaller);
                _shared.ReceiveBudget.Return(_inbox);
                _inbox = smaller;
            }
            else if (consumed > 0)
            {
                _inbox.AsSpan(consumed, rest).CopyTo(_inbox);
            }
        }
        else
        {
            var inbox = RentReceiveBuffer(Math.Max(rest, MinimumInboxSize));
            if (inbox is null)
            {
                return;
            }

            data[consumed..].CopyTo(inbox);
            _inbox = inbox;
        }

        _inboxCount = rest;
        _inboxNeeded = waiting ? 0 : needed;
        SetInputWaiting(waiting);
        TrackPartial(partialFrame: !waiting);
    }

    /// <summary>Starts the clock when a message begins to arrive in pieces, and stops it when none is.</summary>
    private void TrackPartial(bool partialFrame)
    {
        if (partialFrame || _messageOpcode != 0)
        {
            if (_partialSince == 0)
            {
                Volatile.Write(ref _partialSince, _shared.TimeProvider.GetTimestamp());
            }
        }
        else if (_partialSince != 0)
        {
            Volatile.Write(ref _partialSince, 0);
        }
    }

    /// <summary>Called by the sweeper: a client that keeps a message half-sent past PartialMessageTimeout is closed.</summary>
    private void SweepPartial(long now)
    {
        var since = Volatile.Read(ref _partialSince);
        var timeout = _shared.Options.PartialMessageTimeout;
        if (since != 0 && _shared.TimeProvider.GetElapsedTime(since, now) > timeout)
        {
            Log.PartialMessageTimedOut(_shared.Logger, Id, timeout);
            RequestClose(WebSocketCloseStatus.PolicyViolation, "a message took too long to arrive");
        }
    }

    /// <summary>Handles complete frames in <paramref name="data"/>, up to a turn's worth; returns how many bytes they took.</summary>
    /// <param name="data">What has arrived and not been handled yet; unmasked in place.</param>
    /// <param name="needed">When the frame in front is incomplete: how many bytes it needs in all (header included).</param>
    /// <param name="waiting">True when the turn ended (or the output blocked) before everything was looked at.</param>
    private int ReadFrames(Span<byte> data, out int needed, out bool waiting)
    {
        var at = 0;
        var frames = 0;
        var turn = _shared.Options.FramesPerTurn;
        needed = 0;
        waiting = false;
        while (!_inputDiscarded && _phase != ClosePhase.Ended && at < data.Length)
        {
            if (frames == turn || Volatile.Read(ref _blocked))
            {
                waiting = true;
                break;
            }

            var rest = data[at..];
            if (rest.Length < 2)
            {
                needed = 2;
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
            frames++;
        }

        return _inputDiscarded || _phase == ClosePhase.Ended ? data.Length : at;
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
                // Refused from the header, before a byte of it is buffered; a message in fragments counts whole.
                var limit = _shared.Options.MaxMessageSize;
                var assembled = opcode == WebSocketOpcode.Continuation ? _messageCount : 0;
                if (length > (ulong)(limit - assembled))
                {
                    Log.MessageTooBig(_shared.Logger, Id, limit);
                    Fail(WebSocketCloseStatus.MessageTooBig, $"message larger than {limit} bytes", 0, logged: true);
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
                if (!Append(payload) || !final)
                {
                    break;
                }

                var message = _message!;
                var messageOpcode = _messageOpcode;
                var count = _messageCount;
                _message = null;
                _messageOpcode = 0;
                _messageCount = 0;
                try
                {
                    Deliver(messageOpcode, message.AsSpan(0, count));
                }
                finally
                {
                    _shared.ReceiveBudget.Return(message);
                }

                break;
            case WebSocketOpcode.Ping:
                QueuePong(payload);
                break;
            case WebSocketOpcode.Close:
                OnCloseFrame(payload);
                break;
            default:
                // A pong: reading it already counted as a sign of life.
                break;
        }
    }

    private bool Append(ReadOnlySpan<byte> payload)
    {
        var needed = _messageCount + payload.Length;
        if (_message is null || _message.Length < needed)
        {
            var larger = RentReceiveBuffer(Math.Max(needed, Math.Max(MinimumInboxSize, (_message?.Length ?? 0) * 2)));
            if (larger is null)
            {
                return false;
            }

            if (_message is not null)
            {
                _message.AsSpan(0, _messageCount).CopyTo(larger);
                _shared.ReceiveBudget.Return(_message);
            }

            _message = larger;
        }

        payload.CopyTo(_message.AsSpan(_messageCount));
        _messageCount = needed;
        return true;
    }

    private void Deliver(byte opcode, ReadOnlySpan<byte> message)
    {
        if (_phase != ClosePhase.Open)
        {
            // The server has asked to close: what still arrives is not acted on.
            return;
        }

        if (opcode == WebSocketOpcode.Text && !Utf8.IsValid(message))
        {
            // The frames themselves were sound, so the input is still framed: unlike Fail, keep reading to
            // find the client's answering close, which ends the connection at once on both ways in (the
            // pipeline cannot half-close, and would otherwise hold it until CloseTimeout).
            const string Reason = "a text message was not valid UTF-8";
            Log.ProtocolViolation(_shared.Logger, Id, Reason, (int)WebSocketCloseStatus.InvalidPayloadData);
            RequestClose(WebSocketCloseStatus.InvalidPayloadData, Reason);
            return;
        }

        _shared.Metrics.Local.Hot.MessagesReceived++;
        try
        {
            if (!TakeMessage())
            {
                return;
            }

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
            OnHandlerFailed(ex);
        }
    }

    private void OnHandlerFailed(Exception exception)
    {
        try
        {
            Log.HandlerFailed(_shared.Logger, Id, exception);
            RequestClose(WebSocketCloseStatus.InternalServerError, "internal error");
        }
        catch (Exception)
        {
            // Even the close could not be made (out of memory): drop the connection, which frees its share.
            Abort(CloseReason.InternalError);
        }
    }

    private void OnCloseFrame(ReadOnlySpan<byte> payload)
    {
        // Nothing may follow a close; whatever does is dropped, and a message it interrupted is let go.
        _inputDiscarded = true;
        ReleaseMessage();
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

        OnClientClose(status);
    }

    /// <summary>RFC 6455 §7.4: codes a peer may send in a close frame.</summary>
    private static bool IsValidCloseCode(ushort code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    /// <summary>Closes with <paramref name="status"/> and drops the rest of the input; returns <paramref name="consumed"/>.</summary>
    private int Fail(WebSocketCloseStatus status, string reason, int consumed, bool logged = false)
    {
        if (!logged)
        {
            Log.ProtocolViolation(_shared.Logger, Id, reason, (int)status);
        }

        _inputDiscarded = true;
        ReleaseMessage();
        RequestClose(status, reason);
        return consumed;
    }

    /// <summary>A receive buffer from the shared budget; when the budget is spent the connection is closed with 1013 and null returned.</summary>
    private byte[]? RentReceiveBuffer(int size)
    {
        var buffer = _shared.ReceiveBudget.TryRent(size);
        if (buffer is null)
        {
            Log.PartialMessagesOverBudget(_shared.Logger, Id, _shared.Options.PartialMessageByteLimit);
            Fail(CloseCodes.TryAgainLater, "server busy: too many incomplete messages", 0, logged: true);
        }

        return buffer;
    }

    /// <summary>Records whether input waits for a later turn, and asks for that turn while the output can take its answers.</summary>
    private void SetInputWaiting(bool waiting)
    {
        if (!waiting && !_inputWaiting)
        {
            return;
        }

        lock (_sendLock)
        {
            if (waiting != _inputWaiting)
            {
                _inputWaiting = waiting;
                UpdateReceivingLocked();
            }

            if (waiting && !_blocked)
            {
                _transport.ScheduleReceive();
            }
        }
    }

    private void ReleaseInbox()
    {
        if (_inbox is not null)
        {
            _shared.ReceiveBudget.Return(_inbox);
            _inbox = null;
        }

        _inboxCount = 0;
        _inboxNeeded = 0;
    }

    private void ReleaseMessage()
    {
        if (_message is not null)
        {
            _shared.ReceiveBudget.Return(_message);
            _message = null;
        }

        _messageOpcode = 0;
        _messageCount = 0;
    }

    private void ReleaseReceiveBuffers()
    {
        ReleaseInbox();
        ReleaseMessage();
        Volatile.Write(ref _partialSince, 0);
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
