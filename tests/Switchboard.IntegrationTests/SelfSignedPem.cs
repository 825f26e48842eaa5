using System.Diagnostics;

namespace Switchboard.IntegrationTests;

/// <summary>A throw-away self-signed certificate for localhost as PEM files, made with openssl as an operator would.</summary>
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
        using var openssl = Process.Start(new ProcessStartInfo("openssl")
        {
            ArgumentList = { "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", pem.KeyPath, "-out", pem.CertificatePath },
            RedirectStandardError = true,
        })!;
        var error = openssl.StandardError.ReadToEnd();
        if (!openssl.WaitForExit(TimeSpan.FromSeconds(30)) || openssl.ExitCode != 0)
        {
            throw new InvalidOperationException("openssl could not make a certificate: " + error);
        }

        return pem;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
