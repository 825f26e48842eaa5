using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Transport.Epoll;

/// <summary>
/// The epoll loops that serve direct WebSocket connections, one per core unless configured
/// (<see cref="SwitchboardOptions.IoThreads"/>). Sockets are spread over them round-robin; the threads
/// start with the first socket.
/// </summary>
internal sealed class EpollEngine : IDisposable
{
    private readonly ILogger _logger;
    private readonly int _loopCount;
    private readonly Lock _startLock = new();
    private EpollLoop[]? _loops;
    private int _next;
    private bool _disposed;

    public EpollEngine(IOptions<SwitchboardOptions> options, ILogger<EpollEngine> logger)
    {
        _logger = logger;
        _loopCount = options.Value.IoThreads > 0 ? options.Value.IoThreads : Environment.ProcessorCount;
    }

    /// <summary>Whether this platform has epoll.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    public EpollRegistration Register(Socket socket, IEpollTarget target, uint events)
    {
        var loops = _loops ?? Start();
        var loop = loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)loops.Length)];
        return loop.Register(socket, target, events);
    }

    public void Dispose()
    {
        EpollLoop[]? loops;
        lock (_startLock)
        {
            _disposed = true;
            loops = _loops;
        }

        foreach (var loop in loops ?? [])
        {
            loop.Dispose();
        }
    }

    private EpollLoop[] Start()
    {
        lock (_startLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loops is null)
            {
                var loops = new EpollLoop[_loopCount];
                for (var i = 0; i < loops.Length; i++)
                {
                    loops[i] = new EpollLoop($"Switchboard epoll {i}", _logger);
                }

                _loops = loops;
            }

            return _loops;
        }
    }
}
