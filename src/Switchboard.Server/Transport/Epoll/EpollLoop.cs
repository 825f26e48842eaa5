using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Connections;

namespace Switchboard.Server.Transport.Epoll;

/// <summary>
/// One thread waiting on one epoll set and handling its sockets' readiness inline: a readable socket is
/// read, its messages routed and the answers written before the next event is looked at. Nothing per
/// socket is kept in user space while it waits except its registration.
/// </summary>
internal sealed unsafe partial class EpollLoop : IDisposable
{
    private const int MaxEvents = 256;
    private const int WakeSlot = -1;

    [ThreadStatic]
    private static EpollLoop? _current;

    private readonly ILogger _logger;
    private readonly Lock _slotsLock = new();
    private readonly Stack<int> _freeSlots = new();
    private readonly int _epollFd;
    private readonly int _wakeFd;
    private readonly Thread _thread;


    /// <summary>Connections that left input waiting for a later turn (see <see cref="ScheduleTurn"/>).</summary>
    private List<IEpollTurn> _turns = [];
    private List<IEpollTurn> _running = [];
    private readonly ConcurrentQueue<IEpollTurn> _posted = new();
    private EpollRegistration?[] _slots = new EpollRegistration?[64];
    private int _slotsUsed;
    private uint _nextGeneration;
    private volatile bool _stopping;

    public EpollLoop(string name, ILogger logger)
    {
        _logger = logger;
        _epollFd = EpollInterop.Create(EpollInterop.CloseOnExec);
        if (_epollFd < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        _wakeFd = EpollInterop.EventFd(0, EpollInterop.CloseOnExec | EpollInterop.NonBlocking);
        if (_wakeFd < 0 || EpollInterop.Control(_epollFd, EpollInterop.ControlAdd, _wakeFd, EpollInterop.In, unchecked((ulong)(uint)WakeSlot)) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            EpollInterop.Close(_epollFd);
            throw new SocketException(error);
        }

        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Starts watching <paramref name="socket"/>. Any thread.</summary>
    public EpollRegistration Register(Socket socket, IEpollTarget target, uint events)
    {
        EpollRegistration registration;
        lock (_slotsLock)
        {
            if (!_freeSlots.TryPop(out var slot))
            {
                slot = _slotsUsed;
                if (slot == _slots.Length)
                {
                    var larger = new EpollRegistration?[_slots.Length * 2];
                    _slots.CopyTo(larger, 0);
                    Volatile.Write(ref _slots, larger);
                }
            }

            registration = new EpollRegistration(this, socket, target, slot, unchecked(++_nextGeneration));
            Volatile.Write(ref _slots[slot], registration);
            _slotsUsed++;
        }

        var error = EpollInterop.Control(_epollFd, EpollInterop.ControlAdd, registration.Fd, events, registration.Data);
        if (error != 0)
        {
            Release(registration);
            throw new SocketException(error);
        }

        return registration;
    }

    public bool IsCurrent(EpollRegistration registration) => Volatile.Read(ref _slots)[registration.Slot] == registration;

    public void Modify(EpollRegistration registration, uint events)
    {
        if (IsCurrent(registration))
        {
            // A socket closed meanwhile fails here (EBADF/ENOENT); its hang-up is handled through its events.
            EpollInterop.Control(_epollFd, EpollInterop.ControlModify, registration.Fd, events, registration.Data);
        }
    }

    public void Unregister(EpollRegistration registration)
    {
        if (Release(registration))
        {
            EpollInterop.Control(_epollFd, EpollInterop.ControlDelete, registration.Fd, 0, 0);
        }
    }


    /// <summary>
    /// Runs <paramref name="turn"/> after the events already collected have been handled, so a connection
    /// with more input than one turn allows waits behind its neighbours instead of holding the thread.
    /// </summary>
    public void ScheduleTurn(IEpollTurn turn)
    {
        if (_current == this)
        {
            _turns.Add(turn);
            return;
        }

        _posted.Enqueue(turn);
        Wake();
    }

    public void Dispose()
    {
        _stopping = true;
        Wake();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        // What is still registered now will never hear from this loop again; its thread has ended, so
        // tearing down here keeps the one-thread-per-socket rule.
        foreach (var registration in Volatile.Read(ref _slots))
        {
            if (registration is not null)
            {
                try
                {
                    registration.Target.Drop();
                }
                catch (Exception ex)
                {
                    Log.TargetFailed(_logger, ex);
                }

                registration.Unregister();
            }
        }

        EpollInterop.Close(_wakeFd);
        EpollInterop.Close(_epollFd);
    }

    private void Wake()
    {
        var one = 1UL;
        EpollInterop.Write(_wakeFd, (byte*)&one, sizeof(ulong));
    }

    private bool Release(EpollRegistration registration)
    {
        lock (_slotsLock)
        {
            if (_slots[registration.Slot] != registration)
            {
                return false;
            }

            Volatile.Write(ref _slots[registration.Slot], null);
            _freeSlots.Push(registration.Slot);
            _slotsUsed--;
            return true;
        }
    }

    private void Run()
    {
        _current = this;

        // Writes produced while an event is handled wait for its end, so one read's answers leave together.
        FlushDeferral.Open();
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EpollInterop.EventSize));
        try
        {
            while (!_stopping)
            {
                // Input left waiting for a turn: look at the sockets without sleeping, then give it its turn.
                var count = EpollInterop.Wait(_epollFd, events, MaxEvents, _turns.Count > 0 || !_posted.IsEmpty ? 0 : -1);
                if (count < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error == EpollInterop.Interrupted)
                    {
                        continue;
                    }

                    try
                    {
                        Log.WaitFailed(_logger, error);
                    }
                    catch (Exception)
                    {
                        // An exception leaving this thread would end the process; the loop ends either way.
                    }

                    return;
                }

                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        var entry = events + (i * EpollInterop.EventSize);
                        Dispatch(*(uint*)entry, *(ulong*)(entry + EpollInterop.DataOffset));
                    }

                    RunTurns();
                }
                catch (Exception ex)
                {
                    // Dispatch and RunTurns guard every socket; this is the last line, so the thread lives on.
                    Survive(ex, null);
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
            FlushDeferral.Close();
            _current = null;
        }
    }

    private void RunTurns()
    {
        while (_posted.TryDequeue(out var posted))
        {
            _turns.Add(posted);
        }

        if (_turns.Count == 0)
        {
            return;
        }

        // Turns scheduled while these run wait for the next round, behind the sockets that are ready by then.
        (_running, _turns) = (_turns, _running);
        foreach (var turn in _running)
        {
            try
            {
                turn.RunTurn();
            }
            catch (Exception ex)
            {
                Survive(ex, turn as IEpollTarget);
            }
            finally
            {
                FlushDeferred();
            }
        }

        _running.Clear();
    }

    private void Dispatch(uint events, ulong data)
    {
        var slot = unchecked((int)(uint)data);
        if (slot == WakeSlot)
        {
            ulong value;
            EpollInterop.Read(_wakeFd, (byte*)&value, sizeof(ulong));
            return;
        }

        var registration = Volatile.Read(ref _slots)[slot];
        if (registration is null || registration.Generation != (uint)(data >> 32))
        {
            // Collected before its socket was unregistered.
            return;
        }

        try
        {
            registration.Target.OnEvents(registration, events);
        }
        catch (Exception ex)
        {
            Survive(ex, registration.Target, registration);
        }
        finally
        {
            FlushDeferred();
        }
    }

    /// <summary>
    /// A failure handling one socket (a bug, or memory running out) costs that socket only: nothing may
    /// escape the loop, whose thread every other socket on it depends on. An exception leaving a thread
    /// ends the process, so even logging it (which allocates, and can fail the same way) is guarded.
    /// </summary>
    private void Survive(Exception exception, IEpollTarget? target, EpollRegistration? registration = null)
    {
        try
        {
            Log.TargetFailed(_logger, exception);
        }
        catch (Exception)
        {
            // Not even the log could be written; dropping the socket below is what matters.
        }

        if (target is null)
        {
            return;
        }

        try
        {
            target.Drop();
        }
        catch (Exception)
        {
            if (registration is not null)
            {
                // Dropping did not get as far as the socket: release it here, unregistered first.
                try
                {
                    registration.Unregister();
                    registration.Socket.Dispose();
                }
                catch (Exception)
                {
                    // Nothing more can be done for this socket.
                }
            }
        }
    }

    private void FlushDeferred()
    {
        try
        {
            FlushDeferral.FlushAll();
        }
        catch (Exception ex)
        {
            Survive(ex, null);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Critical, "The epoll wait failed with errno {Error}; this loop's connections stop being served", EventName = "EpollWaitFailed")]
        public static partial void WaitFailed(ILogger logger, int error);

        [LoggerMessage(61, LogLevel.Error, "Handling a socket's readiness failed; the socket is closed", EventName = "EpollTargetFailed")]
        public static partial void TargetFailed(ILogger logger, Exception exception);
    }
}
