using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Testing;

/// <summary>
/// A self-signed server certificate for 127.0.0.1 and localhost, written as PEM the way certbot writes
/// <c>fullchain.pem</c> and <c>privkey.pem</c>, and the client-side checks that trust exactly it.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private TestCertificate(X509Certificate2 certificate, string certificatePem, string keyPem)
    {
        Certificate = certificate;
        CertificatePem = certificatePem;
        KeyPem = keyPem;
    }

    public X509Certificate2 Certificate { get; }

    public string Thumbprint => Certificate.Thumbprint;

    public string CertificatePem { get; }

    public string KeyPem { get; }

    public static TestCertificate Create(string commonName = "switchboard-test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        return new TestCertificate(certificate, certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>
    /// Writes both files, each through a temporary file renamed over the old one, so the server never
    /// reads half a file (certbot swaps symlinks to the same effect).
    /// </summary>
    public void WriteTo(string certificatePath, string keyPath)
    {
        WriteAtomically(certificatePath, CertificatePem);
        WriteAtomically(keyPath, KeyPem);
    }

    public static void WriteAtomically(string path, string contents)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, contents);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Accepts this certificate and nothing else, as a client that pinned it would.</summary>
    public bool Trusts(X509Certificate? presented) =>
        presented is not null && string.Equals(presented.GetCertHashString(), Thumbprint, StringComparison.OrdinalIgnoreCase);

    /// <summary>The thumbprint of the certificate a fresh TLS handshake with 127.0.0.1:<paramref name="port"/> is given.</summary>
    public static async Task<string> ServedThumbprintAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port).DefaultTimeout();
        await using var tls = new SslStream(tcp.GetStream());
        string? thumbprint = null;
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                // This only looks at what is served; whether to trust it is the caller's question.
                thumbprint = certificate?.GetCertHashString();
                return thumbprint is not null;
            },
        }).DefaultTimeout();
        return thumbprint ?? throw new InvalidOperationException("The server presented no certificate.");
    }

    public void Dispose() => Certificate.Dispose();
}
