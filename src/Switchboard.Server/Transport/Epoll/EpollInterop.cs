using System.Runtime.InteropServices;

namespace Switchboard.Server.Transport.Epoll;

/// <summary>The few libc calls the epoll transport needs. Linux only.</summary>
internal static unsafe partial class EpollInterop
{
    public const int CloseOnExec = 0x80000;
    public const int ControlAdd = 1;
    public const int ControlDelete = 2;
    public const int ControlModify = 3;

    public const uint In = 0x001;
    public const uint Out = 0x004;
    public const uint Error = 0x008;
    public const uint HangUp = 0x010;
    public const uint ReadHangUp = 0x2000;
    public const uint EdgeTriggered = 1u << 31;

    public const int Interrupted = 4;
    public const int WouldBlock = 11;
    public const int NonBlocking = 0x800;
    public const int NoSignal = 0x4000;

    /// <summary>
    /// <c>struct epoll_event</c> is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16 bytes);
    /// events are read and written through these offsets rather than one struct for both.
    /// </summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int Create(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int Control(int epollFd, int operation, int fd, byte* epollEvent);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int Wait(int epollFd, byte* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Receive(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(int fd, byte* buffer, nint length, int flags);

    /// <summary>
    /// One non-blocking read: bytes read (0 at end of stream), or -1 with <paramref name="errno"/> set.
    /// Straight to libc on the registered descriptor: the caller guarantees the socket is open (only the
    /// loop that reads also closes it), which spares the per-call handle bookkeeping of <c>Socket</c>.
    /// </summary>
    public static int Receive(int fd, Span<byte> buffer, out int errno)
    {
        fixed (byte* start = buffer)
        {
            var count = Receive(fd, start, buffer.Length, 0);
            errno = count < 0 ? Marshal.GetLastPInvokeError() : 0;
            return (int)count;
        }
    }

    /// <summary>One non-blocking write, never raising SIGPIPE: bytes written, or -1 with <paramref name="errno"/> set.</summary>
    public static int Send(int fd, ReadOnlySpan<byte> buffer, out int errno)
    {
        fixed (byte* start = buffer)
        {
            var count = Send(fd, start, buffer.Length, NoSignal);
            errno = count < 0 ? Marshal.GetLastPInvokeError() : 0;
            return (int)count;
        }
    }

    /// <summary>Adds, modifies or removes <paramref name="fd"/>; returns 0 or the errno.</summary>
    public static int Control(int epollFd, int operation, int fd, uint events, ulong data)
    {
        var epollEvent = stackalloc byte[16];
        *(uint*)epollEvent = events;
        *(ulong*)(epollEvent + DataOffset) = data;
        return Control(epollFd, operation, fd, epollEvent) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
