namespace Switchboard.Server.Tls;

/// <summary>
/// HTTPS and WSS on the listening port from PEM files, as Let's Encrypt (certbot) writes them. Bound from
/// <c>Switchboard:Tls</c>; off unless both paths are set.
/// </summary>
public sealed class TlsOptions
{
    public const string SectionName = "Switchboard:Tls";

    /// <summary>
    /// The certificate in PEM: the server's certificate first, then any intermediates (certbot's
    /// <c>fullchain.pem</c>), which are sent to clients so they can build the chain.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The certificate's private key in PEM, unencrypted (certbot's <c>privkey.pem</c>).</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// How often the two files are read again to see whether they changed. Polled rather than watched:
    /// certbot replaces symlinks in <c>live/</c>, which file watchers do not reliably report.
    /// </summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>True when both paths are set.</summary>
    public bool Enabled => !string.IsNullOrEmpty(CertificatePath) && !string.IsNullOrEmpty(KeyPath);
}
