namespace Switchboard.Server.Transport.Epoll;

/// <summary>Something a socket's readiness is reported to, always on the thread of the loop that owns the socket.</summary>
internal interface IEpollTarget
{
    /// <summary>The socket of <paramref name="registration"/> is ready: <paramref name="events"/> is the epoll event mask.</summary>
    void OnEvents(EpollRegistration registration, uint events);

    /// <summary>
    /// The loop will not serve this socket again: handling its events failed, or the loop stopped with the
    /// server. Release everything, socket included. Runs on the loop's thread, or after it has ended.
    /// </summary>
    void Drop();
}
