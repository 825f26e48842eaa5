using Switchboard.Server.Tls;
using Switchboard.Testing;

namespace Switchboard.Server.Tests;

public sealed class TlsOptionsValidatorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchboard-tls-").FullName;

    private string CertificatePath => Path.Combine(_directory, "cert.pem");

    private string KeyPath => Path.Combine(_directory, "key.pem");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string? Failure(TlsOptions options)
    {
        var result = new TlsOptionsValidator().Validate(null, options);
        return result.Failed ? result.FailureMessage : null;
    }

    [Fact]
    public void Validate_Defaults_SucceedWithTlsOff()
    {
        var options = new TlsOptions();

        Assert.Null(Failure(options));
        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(1), options.ReloadInterval);
    }

    [Fact]
    public void Validate_CertificateWithoutKey_NamesTheMissingKey()
    {
        var failure = Failure(new TlsOptions { CertificatePath = CertificatePath });

        Assert.Equal("Switchboard:Tls:CertificatePath and Switchboard:Tls:KeyPath must be set together (KeyPath is not set).", failure);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("2.00:00:00")]
    public void Validate_ImplausibleReloadInterval_NamesTheOption(string interval)
    {
        var failure = Failure(new TlsOptions { ReloadInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.StartsWith("Switchboard:Tls:ReloadInterval must be positive", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MatchingPair_Succeeds()
    {
        using var certificate = TestCertificate.Create();
        certificate.WriteTo(CertificatePath, KeyPath);

        Assert.Null(Failure(new TlsOptions { CertificatePath = CertificatePath, KeyPath = KeyPath }));
    }

    [Fact]
    public void Validate_MissingKeyFile_IsOneLineNamingTheKeyAndTheFile()
    {
        using var certificate = TestCertificate.Create();
        File.WriteAllText(CertificatePath, certificate.CertificatePem);

        var failure = Failure(new TlsOptions { CertificatePath = CertificatePath, KeyPath = KeyPath });

        Assert.StartsWith($"Switchboard:Tls:KeyPath: cannot read '{KeyPath}'", failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure!);
    }

    [Fact]
    public void Validate_KeyOfAnotherCertificate_NamesTheKeyFile()
    {
        using var first = TestCertificate.Create();
        using var second = TestCertificate.Create();
        File.WriteAllText(CertificatePath, first.CertificatePem);
        File.WriteAllText(KeyPath, second.KeyPem);

        var failure = Failure(new TlsOptions { CertificatePath = CertificatePath, KeyPath = KeyPath });

        Assert.StartsWith($"Switchboard:Tls:KeyPath: '{KeyPath}' does not hold the private key of the certificate in '{CertificatePath}'", failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure!);
    }

    [Fact]
    public void Validate_CertificateFileWithoutCertificate_NamesTheCertificateFile()
    {
        using var certificate = TestCertificate.Create();
        File.WriteAllText(CertificatePath, certificate.KeyPem);
        File.WriteAllText(KeyPath, certificate.KeyPem);

        var failure = Failure(new TlsOptions { CertificatePath = CertificatePath, KeyPath = KeyPath });

        Assert.Equal($"Switchboard:Tls:CertificatePath: '{CertificatePath}' holds no PEM certificate (no -----BEGIN CERTIFICATE----- block).", failure);
    }
}
