using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Switchboard.Server.Tls;

/// <summary>
/// Reads a PEM certificate (with any intermediates after it) and its private key. Every failure is a
/// <see cref="TlsCertificateException"/> whose message is one line naming the setting and the file, so it
/// reads well both as a start-up error and as a reload warning.
/// </summary>
internal static class TlsCertificateLoader
{
    private const string CertificateKey = TlsOptions.SectionName + ":CertificatePath";
    private const string KeyKey = TlsOptions.SectionName + ":KeyPath";

    public static TlsCertificate Load(string certificatePath, string keyPath)
    {
        var certificateFile = ReadCertificateFile(certificatePath);
        var keyFile = ReadKeyFile(keyPath);
        return Create(certificatePath, certificateFile, keyPath, keyFile);
    }

    public static byte[] ReadCertificateFile(string path) => Read(path, CertificateKey);

    public static byte[] ReadKeyFile(string path) => Read(path, KeyKey);

    public static byte[] Hash(byte[] file) => SHA256.HashData(file);

    /// <summary>Builds the certificate from the two files' contents; clears <paramref name="keyFile"/> when done.</summary>
    public static TlsCertificate Create(string certificatePath, byte[] certificateFile, string keyPath, byte[] keyFile)
    {
        var certificateHash = Hash(certificateFile);
        var keyHash = Hash(keyFile);
        var keyText = new char[keyFile.Length];
        try
        {
            Encoding.ASCII.GetChars(keyFile, keyText);
            return Create(certificatePath, Encoding.ASCII.GetString(certificateFile), keyPath, keyText, certificateHash, keyHash);
        }
        finally
        {
            // The key stays in the certificate's key object; no other copy of it is left lying in the heap.
            CryptographicOperations.ZeroMemory(keyFile);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(keyText.AsSpan()));
        }
    }

    private static TlsCertificate Create(string certificatePath, string certificateText, string keyPath, ReadOnlySpan<char> keyText, byte[] certificateHash, byte[] keyHash)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certificateText);
        }
        catch (CryptographicException ex)
        {
            throw new TlsCertificateException($"{CertificateKey}: '{certificatePath}' holds a certificate that cannot be read ({OneLine(ex.Message)}).", certificatePath);
        }

        if (chain.Count == 0)
        {
            throw new TlsCertificateException($"{CertificateKey}: '{certificatePath}' holds no PEM certificate (no -----BEGIN CERTIFICATE----- block).", certificatePath);
        }

        X509Certificate2 certificate;
        try
        {
            // The first certificate in the file is the server's; the key must be its key.
            certificate = X509Certificate2.CreateFromPem(certificateText, keyText);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            foreach (var extra in chain)
            {
                extra.Dispose();
            }

            throw new TlsCertificateException($"{KeyKey}: '{keyPath}' does not hold the private key of the certificate in '{certificatePath}' ({OneLine(ex.Message)}).", keyPath);
        }

        chain[0].Dispose();
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        // offline: the chain is what the file says; nothing is fetched from the network at start or reload.
        var context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        return new TlsCertificate(certificate, context, certificateHash, keyHash);
    }

    private static byte[] Read(string path, string key)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SecurityException or NotSupportedException or ArgumentException)
        {
            throw new TlsCertificateException($"{key}: cannot read '{path}' ({OneLine(ex.Message)}).", path);
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
}
