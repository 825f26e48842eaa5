using Microsoft.Extensions.Options;

namespace Switchboard.Server.Tls;

/// <summary>
/// Both paths or neither, a sensible reload interval, and files that load as a certificate with its key:
/// a bad pair stops the server at start with one line naming the setting and the file, rather than at the
/// first client's handshake.
/// </summary>
internal sealed class TlsOptionsValidator : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        var hasCertificate = !string.IsNullOrEmpty(options.CertificatePath);
        var hasKey = !string.IsNullOrEmpty(options.KeyPath);
        if (hasCertificate != hasKey)
        {
            return ValidateOptionsResult.Fail(
                $"{TlsOptions.SectionName}:CertificatePath and {TlsOptions.SectionName}:KeyPath must be set together ({(hasCertificate ? "KeyPath" : "CertificatePath")} is not set).");
        }

        if (options.ReloadInterval <= TimeSpan.Zero || options.ReloadInterval > TimeSpan.FromDays(1))
        {
            return ValidateOptionsResult.Fail($"{TlsOptions.SectionName}:ReloadInterval must be positive and at most 1.00:00:00 (was {options.ReloadInterval}).");
        }

        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            TlsCertificateLoader.Load(options.CertificatePath!, options.KeyPath!).Dispose();
        }
        catch (TlsCertificateException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }

        return ValidateOptionsResult.Success;
    }
}
