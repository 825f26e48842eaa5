using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>A throw-away <see cref="TestCertificate"/> written as PEM files in a folder of its own, deleted with it.</summary>
internal sealed class SelfSignedPem : IDisposable
{
    private readonly string _directory;

    private SelfSignedPem(string directory)
    {
        _directory = directory;
    }

    public string CertificatePath => Path.Combine(_directory, "cert.pem");

    public string KeyPath => Path.Combine(_directory, "key.pem");

    public static SelfSignedPem Create()
    {
        var pem = new SelfSignedPem(Directory.CreateTempSubdirectory("switchboard-pem-").FullName);
        using var certificate = TestCertificate.Create("localhost");
        certificate.WriteTo(pem.CertificatePath, pem.KeyPath);
        return pem;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
