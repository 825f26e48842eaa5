using System.Net.Security;
using System.Net.Sockets;

namespace Switchboard.LoadTest.Net;

/// <summary>
/// A client connection's bytes: the socket itself for ws://, or TLS over it for wss:// (an
/// <see cref="SslStream"/>). Plain connections keep calling the socket directly, so ws:// figures are
/// the same as before TLS support existed.
/// </summary>
internal sealed class ClientStream : IDisposable
{
    private readonly Socket _socket;
    private readonly SslStream? _tls;

    private ClientStream(Socket socket, SslStream? tls)
    {
        _socket = socket;
        _tls = tls;
    }

    public static ClientStream Plain(Socket socket) => new(socket, null);

    /// <summary>
    /// Runs the TLS handshake. The certificate's name must match the target; its chain is not checked,
    /// since bench/run.sh makes a self-signed certificate and the target is loopback only (LoopbackTarget).
    /// </summary>
    public static async Task<ClientStream> TlsAsync(Socket socket, string host, CancellationToken cancellationToken)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                        certificate is not null && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None,
                },
                cancellationToken);
            return new ClientStream(socket, tls);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    /// <summary>A zero-length read waits for bytes without holding a buffer, over TLS too.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _tls is null ? _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) : _tls.ReadAsync(buffer, cancellationToken);

    /// <summary>Sends some of <paramref name="buffer"/> (all of it over TLS); returns how much.</summary>
    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _tls is null ? _socket.SendAsync(buffer, SocketFlags.None, cancellationToken) : WriteAllAsync(buffer, cancellationToken);

    public void Dispose()
    {
        _tls?.Dispose();
        _socket.Dispose();
    }

    private async ValueTask<int> WriteAllAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _tls!.WriteAsync(buffer, cancellationToken);
        return buffer.Length;
    }
}
