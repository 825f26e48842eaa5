namespace Switchboard.Server.Connections;

/// <summary>
/// Writes that wait until the current thread finishes what it is doing (an epoll loop's event, or one
/// turn of a pipeline connection's input), so the messages that work produced for one connection leave
/// in one write instead of one write each: a burst of pings gets one pong, a burst of relays one send.
/// </summary>
internal static class FlushDeferral
{
    [ThreadStatic]
    private static List<IDeferredFlush>? _batch;

    [ThreadStatic]
    private static List<IDeferredFlush>? _spare;

    /// <summary>Defers <paramref name="flush"/> to the end of the thread's current work; false when nothing is batching on this thread.</summary>
    public static bool TryDefer(IDeferredFlush flush)
    {
        var batch = _batch;
        if (batch is null)
        {
            return false;
        }

        batch.Add(flush);
        return true;
    }

    /// <summary>Starts batching on this thread; false when a batch is already open (its owner flushes it).</summary>
    public static bool Open()
    {
        if (_batch is not null)
        {
            return false;
        }

        _batch = _spare ?? [];
        _spare = null;
        return true;
    }

    /// <summary>Runs every deferred flush and keeps batching. Each flush handles its own failures; should one still throw, the others run and the first failure is rethrown.</summary>
    public static void FlushAll()
    {
        var batch = _batch;
        if (batch is null)
        {
            return;
        }

        // A flush may defer more; index so additions are still run. One that fails must not keep the
        // others from writing: each is run, and the batch is cleared whatever happens.
        Exception? failure = null;
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                batch[i].Flush();
            }
            catch (Exception ex)
            {
                failure ??= ex;
            }
        }

        batch.Clear();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Runs what was deferred and stops batching on this thread.</summary>
    public static void Close()
    {
        try
        {
            FlushAll();
        }
        finally
        {
            _batch!.Clear();
            _spare = _batch;
            _batch = null;
        }
    }
}
