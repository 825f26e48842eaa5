using System.Net;
using System.Net.Sockets;
using Switchboard.Server.Admission;
using Switchboard.Server.Transport.Epoll;

namespace Switchboard.Server.Transport;

/// <summary>
/// A new connection whose request head is still being looked at. It peeks without consuming, so a
/// connection that is not a plain WebSocket upgrade on a signaling path reaches Kestrel exactly as it
/// arrived. Edge-triggered while waiting: peeked bytes stay in the socket, and only new bytes should
/// wake the loop.
/// </summary>
internal sealed class PendingHandshake : IEpollTarget
{
    [ThreadStatic]
    private static byte[]? _peekBuffer;

    private readonly Socket _socket;
    private readonly SwitchboardConnectionListener _listener;
    private readonly AddressCount _pending;
    private EpollRegistration? _registration;
    private ITimer? _timeout;
    private int _decided;

    /// <param name="socket">The accepted connection.</param>
    /// <param name="listener">Where it came from.</param>
    /// <param name="pending">Its place among the handshakes in progress (<see cref="ConnectionLimits.TryStartPending"/>), given back when it is decided.</param>
    public PendingHandshake(Socket socket, SwitchboardConnectionListener listener, AddressCount pending)
    {
        _socket = socket;
        _listener = listener;
        _pending = pending;
    }

    public void Start(EpollEngine engine, TimeProvider timeProvider, TimeSpan timeout)
    {
        _socket.Blocking = false;

        // Slow or silent clients are left to Kestrel, which applies its own request timeouts.
        _timeout = timeProvider.CreateTimer(static state => ((PendingHandshake)state!).OnTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _registration = engine.Register(_socket, this, EpollInterop.In | EpollInterop.ReadHangUp | EpollInterop.EdgeTriggered);
        _timeout.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    public void OnEvents(EpollRegistration registration, uint events)
    {
        if (Volatile.Read(ref _decided) != 0)
        {
            return;
        }

        var buffer = _peekBuffer ??= new byte[HandshakeParser.MaxHeadLength];
        var count = _socket.Receive(buffer, SocketFlags.Peek, out var error);
        if (error == SocketError.WouldBlock)
        {
            return;
        }

        if (error != SocketError.Success || count == 0)
        {
            // Closed or reset before saying anything useful.
            if (Decide())
            {
                registration.Unregister();
                _socket.Dispose();
            }

            return;
        }

        var result = HandshakeParser.TryParse(buffer.AsSpan(0, count), _listener.Paths, out var request);
        if (result == HandshakeParseResult.Incomplete || !Decide())
        {
            return;
        }

        if (result == HandshakeParseResult.NotOurs)
        {
            HandOff(registration);
            return;
        }

        Upgrade(registration, buffer, request);
    }

    public void Drop()
    {
        if (Decide())
        {
            _socket.Dispose();
        }
    }

    private void Upgrade(EpollRegistration registration, byte[] buffer, HandshakeRequest request)
    {
        // The head was only peeked: take exactly it, leaving any frames sent right after it in place.
        var taken = _socket.Receive(buffer.AsSpan(0, request.HeadLength), SocketFlags.None, out var error);
        var factory = _listener.Factory;
        // The accepted socket already knows its peer (accept returned it), so reading it allocates nothing.
        var peer = (_socket.RemoteEndPoint as IPEndPoint)?.Address;
        var client = request.ForwardedFor is not null && factory.Admission.TrustsProxies
            ? factory.Admission.ClientAddress(peer, request.ForwardedFor)
            : peer;
        if (factory.Admission.Decide(request.Origin, request.Host, client, out var admitted) is { } refusal)
        {
            factory.Metrics.CountHandshake(refusal.Result);
            _socket.Send(HttpRefusal.Format(refusal), SocketFlags.None, out _);
            _socket.Shutdown(SocketShutdown.Send);
            registration.Unregister();
            _socket.Dispose();
            return;
        }

        Span<byte> response = stackalloc byte[WebSocketAccept.MaxResponseLength];
        response = response[..WebSocketAccept.WriteResponse(buffer.AsSpan(request.Key), response)];
        if (error != SocketError.Success || taken != request.HeadLength
            || _socket.Send(response, SocketFlags.None, out error) != response.Length || error != SocketError.Success)
        {
            // A socket that cannot take 130 bytes right after connecting is already gone.
            factory.Admission.Release(admitted!);
            registration.Unregister();
            _socket.Dispose();
            return;
        }

        var transport = new DirectTransport(_socket, registration);
        transport.Start(factory.Create(transport, Equals(client, peer) ? null : client, admitted, request.Query));
    }

    private void OnTimeout()
    {
        // A timer callback: an exception here would be unhandled and end the process.
        try
        {
            if (Decide())
            {
                HandOff(_registration!);
            }
        }
        catch (Exception)
        {
            // Handing over failed (the client is gone, or memory ran out): let go of the socket.
            try
            {
                _registration?.Unregister();
                _socket.Dispose();
            }
            catch (Exception)
            {
                // Nothing more can be done for this socket.
            }
        }
    }

    private void HandOff(EpollRegistration registration)
    {
        registration.Unregister();
        _socket.Blocking = true;
        _listener.HandToKestrel(_socket);
    }

    /// <summary>Exactly one of the loop and the timeout acts on the connection.</summary>
    private bool Decide()
    {
        if (Interlocked.Exchange(ref _decided, 1) != 0)
        {
            return false;
        }

        _timeout?.Dispose();
        _listener.Factory.Admission.Limits.EndPending(_pending);
        return true;
    }
}
