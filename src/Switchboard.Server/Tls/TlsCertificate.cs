using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Server.Tls;

/// <summary>
/// One loaded certificate with its key and chain, ready for handshakes, and fingerprints of the file
/// contents it came from so a later check can tell whether the files changed.
/// </summary>
internal sealed class TlsCertificate : IDisposable
{
    private readonly byte[] _certificateFileHash;
    private readonly byte[] _keyFileHash;

    public TlsCertificate(X509Certificate2 certificate, SslStreamCertificateContext context, byte[] certificateFileHash, byte[] keyFileHash)
    {
        Certificate = certificate;
        Context = context;
        _certificateFileHash = certificateFileHash;
        _keyFileHash = keyFileHash;
    }

    /// <summary>The server's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// The certificate with its intermediates, built once: handshakes given a context send the chain
    /// without building it again each time.
    /// </summary>
    public SslStreamCertificateContext Context { get; }

    public bool CameFrom(ReadOnlySpan<byte> certificateFileHash, ReadOnlySpan<byte> keyFileHash) =>
        certificateFileHash.SequenceEqual(_certificateFileHash) && keyFileHash.SequenceEqual(_keyFileHash);

    public void Dispose() => Certificate.Dispose();
}
