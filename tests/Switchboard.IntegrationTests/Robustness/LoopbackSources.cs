using System.Net;
using System.Net.Sockets;

namespace Switchboard.IntegrationTests.Robustness;

/// <summary>
/// An <see cref="HttpMessageInvoker"/> for <see cref="System.Net.WebSockets.ClientWebSocket"/> whose
/// connections leave from 127.0.1.1, 127.0.1.2, … in turn: a crowd of clients rather than one address
/// opening thousands of connections, so per-address admission limits (issue 11) see what they would see
/// from real users, and the ephemeral ports of one source address are not the bound.
/// </summary>
internal sealed class LoopbackSources : IDisposable
{
    private readonly SocketsHttpHandler _handler;
    private int _next;

    public LoopbackSources(int count)
    {
        _handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)count);
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(new IPAddress([127, 0, 1, (byte)(1 + index)]), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        Invoker = new HttpMessageInvoker(_handler);
    }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose()
    {
        Invoker.Dispose();
        _handler.Dispose();
    }
}
