using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Tls;

/// <summary>
/// The certificate handshakes are given now. <see cref="CheckForChange"/> reads the files again and, when
/// their contents differ from what is being served and they load, swaps in the new certificate: handshakes
/// from then on get it, connections already open keep the session they negotiated.
/// </summary>
internal sealed partial class TlsCertificateStore
{
    private readonly TlsOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private TlsCertificate _current;

    public TlsCertificateStore(IOptions<TlsOptions> options, TimeProvider timeProvider, ILogger<TlsCertificateStore> logger)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        if (!_options.Enabled)
        {
            throw new InvalidOperationException($"{TlsOptions.SectionName}:CertificatePath and KeyPath are not set.");
        }

        _current = TlsCertificateLoader.Load(_options.CertificatePath!, _options.KeyPath!);
        Taken(_current.Certificate);
    }

    public TlsCertificate Current => Volatile.Read(ref _current);

    /// <summary>
    /// Reads both files; takes them if they changed and load. A failure (a file half written, a key that
    /// belongs to another certificate, a file missing while certbot swaps links) keeps the certificate in
    /// service and logs a warning naming the file; the next check tries again. Returns true when a new
    /// certificate was taken.
    /// </summary>
    public bool CheckForChange()
    {
        var current = Current;
        try
        {
            var certificateFile = TlsCertificateLoader.ReadCertificateFile(_options.CertificatePath!);
            var keyFile = TlsCertificateLoader.ReadKeyFile(_options.KeyPath!);
            if (current.CameFrom(TlsCertificateLoader.Hash(certificateFile), TlsCertificateLoader.Hash(keyFile)))
            {
                CryptographicOperations.ZeroMemory(keyFile);
                return false;
            }

            var next = TlsCertificateLoader.Create(_options.CertificatePath!, certificateFile, _options.KeyPath!, keyFile);
            // The old certificate is not disposed: a handshake that picked it a moment ago may still be using
            // it. It is collected once unreferenced, and this happens once in months.
            Volatile.Write(ref _current, next);
            Taken(next.Certificate);
            return true;
        }
        catch (TlsCertificateException ex)
        {
            Log.ReloadFailed(_logger, current.Certificate.Thumbprint, ex.Message);
            return false;
        }
    }

    private void Taken(X509Certificate2 certificate)
    {
        Log.CertificateTaken(_logger, certificate.Subject, certificate.NotAfter.ToUniversalTime(), certificate.Thumbprint, _options.CertificatePath!);
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        if (certificate.NotAfter.ToUniversalTime() < now || certificate.NotBefore.ToUniversalTime() > now)
        {
            Log.OutsideValidity(_logger, certificate.Subject, certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime(), _options.CertificatePath!);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(110, LogLevel.Information, "Serving TLS certificate {Subject} (expires {NotAfter:u}, thumbprint {Thumbprint}) from {CertificatePath}", EventName = "TlsCertificateTaken")]
        public static partial void CertificateTaken(ILogger logger, string subject, DateTime notAfter, string thumbprint, string certificatePath);

        [LoggerMessage(111, LogLevel.Warning, "The TLS certificate was not reloaded, still serving {Thumbprint}; will retry at the next check: {Reason}", EventName = "TlsReloadFailed")]
        public static partial void ReloadFailed(ILogger logger, string thumbprint, string reason);

        [LoggerMessage(112, LogLevel.Warning, "The TLS certificate {Subject} from {CertificatePath} is valid only from {NotBefore:u} to {NotAfter:u}: clients will refuse it", EventName = "TlsCertificateOutsideValidity")]
        public static partial void OutsideValidity(ILogger logger, string subject, DateTime notBefore, DateTime notAfter, string certificatePath);
    }
}
