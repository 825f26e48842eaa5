using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using Switchboard.Server.Diagnostics;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Connections;

/// <summary>
/// The single writer. Everything bound for the client waits in one bounded queue, counted in messages and
/// bytes, control frames included: the messages in order with at most one pong among them (RFC 6455
/// §5.5.3 allows answering only the latest ping), at most one keep-alive ping ahead of them, and the close
/// frame last. A message sent while a
/// thread batches (an epoll loop's event, a pipeline connection's turn) is written when that work is
/// done, with whatever else it produced: one write for the burst. When the transport is full, what is left waits for it to have room,
/// the connection stops reading (a client that does not read cannot make the server work for it), and
/// the client has <see cref="SwitchboardOptions.SendTimeout"/> to catch up, counted from the first write
/// that could not finish until the queue is empty again, however little it reads meanwhile.
/// </summary>
internal sealed partial class PeerConnection : IDeferredFlush
{
    /// <summary>Several queued frames are copied together up to this size so they leave in one write.</summary>
    private const int CoalesceLimit = 16 * 1024;

    /// <summary>RFC 6455 §5.5: a control frame carries at most 125 bytes.</summary>
    private const int MaxControlPayload = 125;

    /// <summary>A close frame's reason must fit in a control frame: 125 bytes less the status code.</summary>
    private const int MaxCloseReasonBytes = MaxControlPayload - 2;

    /// <summary>A server ping carries nothing: the client's pong (or anything else it sends) is the answer.</summary>
    private static readonly byte[] _pingFrame = [0x80 | WebSocketOpcode.Ping, 0];

    [ThreadStatic]
    private static byte[]? _coalesceBuffer;

    private readonly Lock _sendLock = new();
    private Queue<OutboundMessage>? _queue;

    /// <summary>The pong in <see cref="_queue"/> that has not been written yet, if any.</summary>
    private OutboundMessage? _pong;
    private int _queuedBytes;

    /// <summary>The part of <see cref="_queuedBytes"/> counted in the shared <see cref="SendBacklogBudget"/> (only while blocked).</summary>
    private int _backlogBytes;

    /// <summary>Frames partly written when the transport filled up; <see cref="_writingClose"/> if our close is among them.</summary>
    private OutboundMessage? _writing;
    private int _written;
    private bool _writingClose;

    private volatile ClosePhase _phase;
    private bool _pingQueued;
    private bool _flushDeferred;
    private bool _blocked;
    private bool _closeReceived;
    private bool _receiving = true;
    private long _backlogSince;
    private long _closeRequestedAt;

    /// <summary>Under it: the queue, the close phase, and every call into the transport's writing side.</summary>
    public Lock SendLock => _sendLock;

    /// <summary>
    /// Queues <paramref name="message"/> for this connection (taking a reference of its own). Never blocks,
    /// never throws. False only once the connection has ended: its seat then keeps what is sent to it. A
    /// connection that is closing drops it (it is going, and so is its seat) and says true.
    /// </summary>
    public bool Send(OutboundMessage message)
    {
        lock (_sendLock)
        {
            if (_phase != ClosePhase.Open)
            {
                return _phase != ClosePhase.Ended;
            }

            var options = _shared.Options;
            if (_queue?.Count >= options.SendQueueLimit || _queuedBytes + message.Length > options.SendQueueByteLimit)
            {
                // Signaling must not be dropped silently: a consumer this slow is closed instead. A frame
                // partly written is finished first, or the close would land inside it.
                Log.SlowConsumer(_shared.Logger, Id, options.SendQueueLimit, options.SendQueueByteLimit);
                CloseAsSlowConsumer();
            }
            else if (_blocked && !_shared.SendBacklog.TryAdd(message.Length))
            {
                // Behind, while the clients that are behind already hold all the server keeps for them.
                Log.SlowConsumersOverBudget(_shared.Logger, Id, _shared.SendBacklog.Limit);
                CloseAsSlowConsumer();
            }
            else
            {
                (_queue ??= new Queue<OutboundMessage>(4)).Enqueue(message.AddReference());
                _queuedBytes += message.Length;
                if (_blocked)
                {
                    _backlogBytes += message.Length;
                }
            }

            ScheduleFlushLocked();
            return true;
        }
    }

    private void CloseAsSlowConsumer()
    {
        ReleaseQueued();
        QueueClose(CloseCodes.SlowConsumer, "send queue overflow");
    }

    /// <summary>Closes with <paramref name="status"/> after what is already queued has been written. Any thread.</summary>
    public void RequestClose(WebSocketCloseStatus status, string reason)
    {
        lock (_sendLock)
        {
            if (_phase != ClosePhase.Open)
            {
                return;
            }

            QueueClose(status, reason);
            ScheduleFlushLocked();
        }
    }

    /// <summary>Writes what is queued; <see cref="FlushDeferral"/> calls it when the work that queued it is done.</summary>
    public void Flush()
    {
        try
        {
            lock (_sendLock)
            {
                _flushDeferred = false;
                FlushLocked();
            }
        }
        catch (Exception ex)
        {
            // A bug (or memory running out) while writing costs this connection only.
            try
            {
                Log.UnexpectedFailure(_shared.Logger, Id, ex);
            }
            finally
            {
                Abort(CloseReason.InternalError);
            }
        }
    }

    /// <summary>The transport has room again after a write it could not take whole.</summary>
    public void OnWritable()
    {
        lock (_sendLock)
        {
            if (!_blocked)
            {
                return;
            }

            _blocked = false;
            ReleaseBacklog();
            FlushLocked();
            UpdateReceivingLocked();
            if (!_blocked && _inputWaiting)
            {
                // Input read before the output blocked waits for its turn; the socket will not report it again.
                _transport.ScheduleReceive();
            }
        }
    }

    /// <summary>
    /// Answers the client's ping in its place among the messages. A pong still waiting to be written is
    /// given the newer ping's payload instead of queueing another, so pings cannot pile up pongs.
    /// </summary>
    private void QueuePong(ReadOnlySpan<byte> payload)
    {
        lock (_sendLock)
        {
            if (_phase != ClosePhase.Open)
            {
                return;
            }

            if (_pong is not null)
            {
                _queuedBytes -= _pong.Length;
                _pong.Rewrite(payload);
                _queuedBytes += _pong.Length;
                return;
            }

            _pong = OutboundMessage.Rent(MaxControlPayload, WebSocketOpcode.Pong);
            _pong.Rewrite(payload);
            (_queue ??= new Queue<OutboundMessage>(1)).Enqueue(_pong);
            _queuedBytes += _pong.Length;
            ScheduleFlushLocked();
        }
    }

    private void QueuePing()
    {
        lock (_sendLock)
        {
            if (_phase != ClosePhase.Open || _pingQueued)
            {
                return;
            }

            _pingQueued = true;
            _queuedBytes += _pingFrame.Length;
            ScheduleFlushLocked();
        }
    }

    private void QueueClose(WebSocketCloseStatus status, string reason)
    {
        NoteCloseReason(CloseReasons.ForStatus(status));

        // The time first: the sweeper reads the phase without the lock, then the time.
        Volatile.Write(ref _closeRequestedAt, _shared.TimeProvider.GetTimestamp());
        _phase = ClosePhase.Closing;
        var close = CloseFrame(status, reason);
        (_queue ??= new Queue<OutboundMessage>(1)).Enqueue(close);
        _queuedBytes += close.Length;
    }

    /// <summary>On a thread that batches (an epoll loop's event, a pipeline connection's turn) the write waits for the end of that work; elsewhere it happens now.</summary>
    private void ScheduleFlushLocked()
    {
        if (_blocked || _flushDeferred || _phase >= ClosePhase.CloseSent)
        {
            // Blocked: the transport's room flushes. Deferred: a loop is about to.
            return;
        }

        if (FlushDeferral.TryDefer(this))
        {
            _flushDeferred = true;
            return;
        }

        FlushLocked();
    }

    private void FlushLocked()
    {
        while (!_blocked && _phase is ClosePhase.Open or ClosePhase.Closing)
        {
            if (_writing is not null)
            {
                if (!WriteCurrent())
                {
                    return;
                }

                continue;
            }

            if (!_pingQueued && _queue is not { Count: > 0 })
            {
                break;
            }

            if (!_pingQueued && _queue!.Peek().Frame.Length > CoalesceLimit)
            {
                // A large message leaves straight from its own buffer.
                _writing = _queue.Dequeue();
                _queuedBytes -= _writing.Length;
                _written = 0;
                _writingClose = false;
                continue;
            }

            if (!WriteCoalesced())
            {
                return;
            }
        }

        if (_writing is null && !_pingQueued && _queue is not { Count: > 0 })
        {
            // Everything queued has been handed to the transport: the client has caught up.
            Volatile.Write(ref _backlogSince, 0);
        }
    }

    /// <summary>Writes (the rest of) <see cref="_writing"/>; false if the transport is full or dead, or the frames held our close.</summary>
    private bool WriteCurrent()
    {
        var frame = _writing!;
        var bytes = frame.Frame.Span[_written..];
        var sent = _transport.Write(bytes);
        if (sent < 0)
        {
            OnWriteFailed();
            return false;
        }

        _shared.Metrics.Local.Hot.BytesSent += sent;

        if (frame.IsClose)
        {
            _writingClose = true;
        }

        _written += sent;
        if (sent < bytes.Length)
        {
            Block();
            return false;
        }

        _writing = null;
        _written = 0;
        frame.Release();
        if (_writingClose)
        {
            OnCloseSent();
            return false;
        }

        return true;
    }

    /// <summary>The pending control frames and the small messages after them, copied together and written at once.</summary>
    private bool WriteCoalesced()
    {
        var scratch = _coalesceBuffer ??= new byte[CoalesceLimit];
        var length = 0;
        var close = false;
        if (_pingQueued)
        {
            _pingFrame.CopyTo(scratch.AsSpan(length));
            length += _pingFrame.Length;
            _queuedBytes -= _pingFrame.Length;
            _pingQueued = false;
        }

        while (_queue is not null && _queue.TryPeek(out var next) && length + next.Frame.Length <= CoalesceLimit)
        {
            next.Frame.Span.CopyTo(scratch.AsSpan(length));
            length += next.Frame.Length;
            _queuedBytes -= next.Length;
            close = next.IsClose;
            if (ReferenceEquals(next, _pong))
            {
                _pong = null;
            }

            _queue.Dequeue().Release();
            if (close)
            {
                break;
            }
        }

        var sent = _transport.Write(scratch.AsSpan(0, length));
        if (sent < 0)
        {
            OnWriteFailed();
            return false;
        }

        _shared.Metrics.Local.Hot.BytesSent += sent;

        if (sent < length)
        {
            // The unsent rest must outlive this thread's buffer.
            _writing = OutboundMessage.Raw(scratch.AsSpan(sent, length - sent));
            _written = 0;
            _writingClose = close;
            Block();
            return false;
        }

        if (close)
        {
            OnCloseSent();
            return false;
        }

        return true;
    }

    private void Block()
    {
        if (!_blocked)
        {
            // From now on what waits here counts against what the server keeps for clients that are behind.
            _blocked = true;
            _shared.SendBacklog.Add(_queuedBytes - _backlogBytes);
            _backlogBytes = _queuedBytes;
        }

        if (Volatile.Read(ref _backlogSince) == 0)
        {
            Volatile.Write(ref _backlogSince, _shared.TimeProvider.GetTimestamp());
        }

        UpdateReceivingLocked();
    }

    private void ReleaseBacklog()
    {
        if (_backlogBytes != 0)
        {
            _shared.SendBacklog.Release(_backlogBytes);
            _backlogBytes = 0;
        }
    }

    /// <summary>Reads only while nothing waits: neither output the client has not taken, nor input not yet handled.</summary>
    private void UpdateReceivingLocked()
    {
        var receiving = !_blocked && !_inputWaiting && _phase != ClosePhase.Ended;
        if (receiving != _receiving)
        {
            _receiving = receiving;
            _transport.SetReceiving(receiving);
        }
    }

    private void OnCloseSent()
    {
        _phase = ClosePhase.CloseSent;
        _writingClose = false;
        ReleaseQueued();
        _transport.Shutdown(_closeReceived);
    }

    /// <summary>The client's close arrived: answered with its own status unless a close of ours is already on its way.</summary>
    private void OnClientClose(WebSocketCloseStatus status)
    {
        NoteCloseReason(CloseReason.Client);
        lock (_sendLock)
        {
            _closeReceived = true;
            switch (_phase)
            {
                case ClosePhase.Open:
                    QueueClose(status, string.Empty);
                    ScheduleFlushLocked();
                    break;
                case ClosePhase.CloseSent:
                    // Both closes exchanged: the connection is done.
                    _transport.Shutdown(handshakeComplete: true);
                    break;
            }
        }
    }

    private void OnWriteFailed()
    {
        // The transport is dead (reset, broken pipe) and ends the connection; nothing queued can be written.
        Log.SendFailed(_shared.Logger, Id);
        NoteCloseReason(CloseReason.ClientGone);
        ReleaseQueued();
        ReleaseWriting();
        _transport.Abort();
    }

    /// <summary>Marks the connection ended and drops everything queued; false if it had already ended.</summary>
    private bool EndSending()
    {
        lock (_sendLock)
        {
            if (_phase == ClosePhase.Ended)
            {
                return false;
            }

            _phase = ClosePhase.Ended;
            ReleaseQueued();
            ReleaseWriting();
            return true;
        }
    }

    private void ReleaseWriting()
    {
        if (_writing is not null)
        {
            _writing.Release();
            _writing = null;
            _written = 0;
        }
    }

    /// <summary>Drops what waits, but not a frame partly written (the transport has part of it).</summary>
    private void ReleaseQueued()
    {
        while (_queue is not null && _queue.TryDequeue(out var message))
        {
            message.Release();
        }

        _pong = null;
        _pingQueued = false;
        _queuedBytes = 0;
        ReleaseBacklog();
    }

    private static OutboundMessage CloseFrame(WebSocketCloseStatus status, string reason)
    {
        var reasonBytes = Encoding.UTF8.GetBytes(reason);
        var reasonLength = Math.Min(reasonBytes.Length, MaxCloseReasonBytes);
        var frame = OutboundMessage.Rent(2 + reasonLength, WebSocketOpcode.Close);
        var span = frame.WritableSpan;
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)status);
        reasonBytes.AsSpan(0, reasonLength).CopyTo(span[2..]);
        return frame;
    }
}
