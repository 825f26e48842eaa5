using System.Net.WebSockets;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Connections;

/// <summary>
/// The single writer. Messages wait in a bounded queue; whoever finds the writer idle starts a drain
/// that writes them one at a time, so there is never more than one send on the socket and no task is
/// parked while the connection is quiet. A full queue or a stuck send closes this connection only.
/// </summary>
internal sealed partial class WebSocketPeerConnection
{
    private readonly TimeProvider _timeProvider;
    private readonly Lock _sendLock = new();
    private TaskCompletionSource? _closeSent;
    private Queue<OutboundMessage>? _queue;
    private int _queuedBytes;
    private bool _sending;
    private bool _completed;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeReason;
    private long _sendStartedAt;

    /// <summary>True once a close has been requested; nothing more is queued after that.</summary>
    public override bool IsClosing
    {
        get
        {
            lock (_sendLock)
            {
                return _closeStatus is not null;
            }
        }
    }

    /// <summary>Queues <paramref name="message"/> for this connection (taking a reference of its own). Never blocks, never throws.</summary>
    public override void Send(OutboundMessage message)
    {
        bool startDrain;
        var overflowed = false;
        lock (_sendLock)
        {
            if (_completed || _closeStatus is not null)
            {
                return;
            }

            _queue ??= new Queue<OutboundMessage>();
            if (_queue.Count >= _options.SendQueueLimit || _queuedBytes + message.Length > _options.SendQueueByteLimit)
            {
                // Signaling must not be dropped silently: a consumer this slow is closed instead.
                ReleaseQueued();
                _closeStatus = CloseCodes.SlowConsumer;
                _closeReason = "send queue overflow";
                _closeSent ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                overflowed = true;
                Log.SlowConsumer(_logger, Id, _options.SendQueueLimit, _options.SendQueueByteLimit);
            }
            else
            {
                _queue.Enqueue(message.AddReference());
                _queuedBytes += message.Length;
            }

            startDrain = !_sending;
            _sending = true;
        }

        if (overflowed)
        {
            ScheduleAbort();
        }

        if (startDrain)
        {
            _ = DrainAsync();
        }
    }

    /// <summary>Closes with <paramref name="status"/> after what is already queued has been written.</summary>
    public override void RequestClose(WebSocketCloseStatus status, string reason)
    {
        bool startDrain;
        lock (_sendLock)
        {
            if (_completed || _closeStatus is not null)
            {
                return;
            }

            _closeStatus = status;
            _closeReason = reason;
            _closeSent ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            startDrain = !_sending;
            _sending = true;
        }

        ScheduleAbort();
        if (startDrain)
        {
            _ = DrainAsync();
        }
    }

    private async Task OnCloseReceivedAsync()
    {
        // Answer the client's close after flushing what is queued, then end the connection.
        var status = _socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure;
        RequestClose(status == WebSocketCloseStatus.Empty ? WebSocketCloseStatus.NormalClosure : status, string.Empty);
        Task closeSent;
        lock (_sendLock)
        {
            closeSent = _closeSent?.Task ?? Task.CompletedTask;
        }

        await closeSent.WaitAsync(_options.CloseTimeout, _timeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void ScheduleAbort()
    {
        // The client has CloseTimeout to answer our close (or, if it is the one closing, to take our reply).
        // The timer exists only while closing: an open connection keeps none.
        if (Volatile.Read(ref _abortTimer) is null)
        {
            var timer = _timeProvider.CreateTimer(static state => ((WebSocketPeerConnection)state!).Abort(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (Interlocked.CompareExchange(ref _abortTimer, timer, null) is null)
            {
                timer.Change(_options.CloseTimeout, Timeout.InfiniteTimeSpan);
            }
            else
            {
                timer.Dispose();
            }
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            OutboundMessage? next = null;
            WebSocketCloseStatus closeStatus;
            string? closeReason;
            lock (_sendLock)
            {
                closeStatus = _closeStatus.GetValueOrDefault();
                closeReason = _closeReason;
                if (_completed)
                {
                    _sending = false;
                    return;
                }

                if (_queue is { Count: > 0 })
                {
                    next = _queue.Dequeue();
                    _queuedBytes -= next.Length;
                }
                else if (_closeStatus is null || _closeSent!.Task.IsCompleted)
                {
                    _sending = false;
                    return;
                }
            }

            try
            {
                // Most writes finish at once. One that must wait is timed by ConnectionSweeper, a single timer
                // for all connections, so no connection carries a timer of its own.
                var pending = next is not null
                    ? _socket.SendAsync(next.Memory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None)
                    : new ValueTask(_socket.CloseOutputAsync(closeStatus, closeReason, CancellationToken.None));
                if (!pending.IsCompleted)
                {
                    Volatile.Write(ref _sendStartedAt, _timeProvider.GetTimestamp());
                    try
                    {
                        await pending;
                    }
                    finally
                    {
                        Volatile.Write(ref _sendStartedAt, 0);
                    }
                }
                else
                {
                    pending.GetAwaiter().GetResult();
                }

                if (next is null)
                {
                    _closeSent!.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                // The socket is dead or the client stopped reading; either way this connection is over.
                Log.SendFailed(_logger, Id, ex.Message);
                lock (_sendLock)
                {
                    _completed = true;
                    _sending = false;
                    ReleaseQueued();
                }

                _closeSent?.TrySetResult();
                Abort();
                return;
            }
            finally
            {
                next?.Release();
            }
        }
    }

    /// <summary>Called by <see cref="ConnectionSweeper"/>: drops the connection if one write has taken longer than SendTimeout.</summary>
    public override void Sweep(long now)
    {
        var started = Volatile.Read(ref _sendStartedAt);
        if (started != 0 && _timeProvider.GetElapsedTime(started, now) > _options.SendTimeout)
        {
            Log.SendTimedOut(_logger, Id, _options.SendTimeout);
            Abort();
        }
    }

    private void CompleteSending()
    {
        lock (_sendLock)
        {
            _completed = true;
            ReleaseQueued();
        }

        _closeSent?.TrySetResult();
    }

    private void ReleaseQueued()
    {
        if (_queue is null)
        {
            return;
        }

        while (_queue.TryDequeue(out var message))
        {
            message.Release();
        }

        _queuedBytes = 0;
    }
}
