namespace Switchboard.Server.Transport.Epoll;

/// <summary>Work an epoll loop runs after the events it collected: a connection continuing input it left waiting.</summary>
internal interface IEpollTurn
{
    void RunTurn();
}
