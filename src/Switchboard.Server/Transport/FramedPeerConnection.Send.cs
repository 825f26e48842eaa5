using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Switchboard.Server.Protocol;
using Switchboard.Server.Transport.Epoll;

namespace Switchboard.Server.Transport;

/// <summary>
/// The single writer. A message sent from a loop thread is written when that loop finishes the event it
/// is handling, together with whatever else that event produced for this connection: one send call for
/// the burst. A message sent from elsewhere is written at once. Writes are non-blocking; when the
/// client stops reading, what is left waits in a bounded queue for the socket to become writable, and
/// a write stuck longer than SendTimeout, or a queue over its limits, closes this connection only.
/// </summary>
internal sealed partial class FramedPeerConnection : IDeferredFlush
{
    /// <summary>Several queued frames are copied together up to this size so they leave in one send.</summary>
    private const int CoalesceLimit = 16 * 1024;

    /// <summary>A close frame's reason must fit in a control frame: 125 bytes less the status code.</summary>
    private const int MaxCloseReasonBytes = 123;

    [ThreadStatic]
    private static byte[]? _coalesceBuffer;

    private readonly Lock _sendLock = new();
    private Queue<OutboundMessage>? _queue;
    private int _queuedBytes;

    /// <summary>A frame partly written when the socket's buffer filled up.</summary>
    private OutboundMessage? _writing;
    private int _written;

    private bool _flushDeferred;
    private bool _blocked;
    private bool _completed;
    private bool _closeRequested;
    private bool _closeSent;
    private long _sendStartedAt;
    private long _closeRequestedAt;

    public override bool IsClosing => Volatile.Read(ref _closeRequested);

    public override void Send(OutboundMessage message) => Enqueue(message, limited: true);

    public override void RequestClose(WebSocketCloseStatus status, string reason)
    {
        lock (_sendLock)
        {
            if (_completed || _closeRequested)
            {
                return;
            }

            QueueClose(status, reason);
            ScheduleFlushLocked();
        }
    }

    public void Flush()
    {
        lock (_sendLock)
        {
            _flushDeferred = false;
            FlushLocked();
        }
    }

    private void SendControl(byte opcode, ReadOnlySpan<byte> payload)
    {
        var frame = OutboundMessage.CopyOf(payload, opcode);
        Enqueue(frame, limited: false);
        frame.Release();
    }

    private void Enqueue(OutboundMessage message, bool limited)
    {
        lock (_sendLock)
        {
            if (_completed || _closeRequested)
            {
                return;
            }

            var options = _shared.Options;
            if (limited && (_queue?.Count >= options.SendQueueLimit || _queuedBytes + message.Length > options.SendQueueByteLimit))
            {
                // Signaling must not be dropped silently: a consumer this slow is closed instead. The frame
                // being written is finished first, or the close would land inside it.
                Log.SlowConsumer(_shared.Logger, Id, options.SendQueueLimit, options.SendQueueByteLimit);
                ReleaseQueue(includingPartial: false);
                QueueClose(CloseCodes.SlowConsumer, "send queue overflow");
            }
            else
            {
                (_queue ??= new Queue<OutboundMessage>(4)).Enqueue(message.AddReference());
                _queuedBytes += message.Length;
            }

            ScheduleFlushLocked();
        }
    }

    private void QueueClose(WebSocketCloseStatus status, string reason)
    {
        Volatile.Write(ref _closeRequested, true);
        _closeRequestedAt = _shared.TimeProvider.GetTimestamp();
        var close = CloseFrame(status, reason);
        (_queue ??= new Queue<OutboundMessage>(1)).Enqueue(close);
        _queuedBytes += close.Length;
    }

    /// <summary>On a loop thread the write waits for the end of the current event; elsewhere it happens now.</summary>
    private void ScheduleFlushLocked()
    {
        if (_blocked || _flushDeferred || _completed)
        {
            // Blocked: the socket's writability flushes. Deferred: a loop is about to.
            return;
        }

        var loop = EpollLoop.Current;
        if (loop is not null)
        {
            _flushDeferred = true;
            loop.Defer(this);
            return;
        }

        FlushLocked();
    }

    private void OnWritable()
    {
        lock (_sendLock)
        {
            if (_blocked)
            {
                _blocked = false;
                Volatile.Write(ref _sendStartedAt, 0);
                _registration.Modify(ReadEvents);
            }

            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        while (!_completed)
        {
            if (_writing is not null)
            {
                if (!WritePartial())
                {
                    return;
                }
            }
            else if (_queue is not { Count: > 0 } queue)
            {
                return;
            }
            else if (queue.Count > 1 && !queue.Peek().IsControl && queue.Peek().Frame.Length <= CoalesceLimit)
            {
                if (!WriteCoalesced(queue))
                {
                    return;
                }
            }
            else
            {
                _writing = queue.Dequeue();
                _queuedBytes -= _writing.Length;
                _written = 0;
            }
        }
    }

    /// <summary>Writes (the rest of) <see cref="_writing"/>; false if the socket is full or dead, or the frame was our close.</summary>
    private bool WritePartial()
    {
        var frame = _writing!;
        var bytes = frame.Frame.Span[_written..];
        if (!TrySend(bytes, out var sent))
        {
            return false;
        }

        _written += sent;
        if (sent < bytes.Length)
        {
            Block();
            return false;
        }

        _writing = null;
        _written = 0;
        var wasClose = frame.IsClose;
        frame.Release();
        if (wasClose)
        {
            OnCloseSent();
            return false;
        }

        return true;
    }

    /// <summary>Several small messages in a row: copied together and written with one send.</summary>
    private bool WriteCoalesced(Queue<OutboundMessage> queue)
    {
        var scratch = _coalesceBuffer ??= new byte[CoalesceLimit];
        var length = 0;
        while (queue.TryPeek(out var next) && !next.IsControl && length + next.Frame.Length <= CoalesceLimit)
        {
            next.Frame.Span.CopyTo(scratch.AsSpan(length));
            length += next.Frame.Length;
            _queuedBytes -= next.Length;
            queue.Dequeue().Release();
        }

        if (!TrySend(scratch.AsSpan(0, length), out var sent))
        {
            return false;
        }

        if (sent < length)
        {
            // Rare: the client reads slowly. The unsent rest must outlive this thread's buffer.
            _writing = OutboundMessage.Raw(scratch.AsSpan(sent, length - sent));
            _written = 0;
            Block();
            return false;
        }

        return true;
    }

    private bool TrySend(ReadOnlySpan<byte> bytes, out int sent)
    {
        // Under the send lock, and _completed is set under it before the socket is closed: the descriptor is open.
        sent = EpollInterop.Send(_registration.Fd, bytes, out var errno);
        if (sent >= 0)
        {
            return true;
        }

        sent = 0;
        if (errno is EpollInterop.WouldBlock or EpollInterop.Interrupted)
        {
            return true;
        }

        OnSendFailed(errno);
        return false;
    }

    private void Block()
    {
        if (!_blocked)
        {
            _blocked = true;
            Volatile.Write(ref _sendStartedAt, _shared.TimeProvider.GetTimestamp());
            _registration.Modify(ReadEvents | EpollInterop.Out);
        }
    }

    private void OnCloseSent()
    {
        _closeSent = true;
        try
        {
            // Both closes exchanged: end the connection (the loop sees the shut-down socket and tears
            // down). Only ours so far: FIN after it, and keep reading until the client answers.
            _socket.Shutdown(_closeReceived ? SocketShutdown.Both : SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client is already gone.
        }
    }

    /// <summary>The client's close arrived: true if a close of ours is already queued or sent (and the connection ends once it is).</summary>
    private bool CloseAnswered()
    {
        lock (_sendLock)
        {
            _closeReceived = true;
            if (!_closeRequested)
            {
                return false;
            }

            if (_closeSent)
            {
                Abort();
            }

            return true;
        }
    }

    private void OnSendFailed(int errno)
    {
        // The socket is dead (reset, broken pipe): drop what is queued and let the loop tear down.
        Log.SendFailed(_shared.Logger, Id, $"errno {errno}");
        _completed = true;
        ReleaseQueue(includingPartial: true);
        Abort();
    }

    /// <summary>Called by the sweeper: true if the connection is being dropped for a stuck write or an unanswered close.</summary>
    private bool SweepSending(long now)
    {
        var time = _shared.TimeProvider;
        var startedAt = Volatile.Read(ref _sendStartedAt);
        if (startedAt != 0 && time.GetElapsedTime(startedAt, now) > _shared.Options.SendTimeout)
        {
            Log.SendTimedOut(_shared.Logger, Id, _shared.Options.SendTimeout);
            Abort();
            return true;
        }

        if (!IsClosing)
        {
            return false;
        }

        bool closeExpired;
        lock (_sendLock)
        {
            closeExpired = time.GetElapsedTime(_closeRequestedAt, now) > _shared.Options.CloseTimeout;
        }

        if (closeExpired)
        {
            Abort();
        }

        return closeExpired;
    }

    private void CompleteSending()
    {
        lock (_sendLock)
        {
            _completed = true;
            ReleaseQueue(includingPartial: true);
        }
    }

    private void ReleaseQueue(bool includingPartial)
    {
        if (includingPartial && _writing is not null)
        {
            _writing.Release();
            _writing = null;
            _written = 0;
        }

        while (_queue is not null && _queue.TryDequeue(out var message))
        {
            message.Release();
        }

        _queuedBytes = 0;
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
