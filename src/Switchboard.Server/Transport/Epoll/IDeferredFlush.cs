namespace Switchboard.Server.Transport.Epoll;

/// <summary>A socket with output gathered during one event, written when the event is done.</summary>
internal interface IDeferredFlush
{
    void Flush();
}
