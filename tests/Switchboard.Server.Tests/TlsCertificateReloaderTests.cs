using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Server.Tls;
using Switchboard.Testing;

namespace Switchboard.Server.Tests;

/// <summary>The reload timer on a fake clock: a renewal is taken at the next check, not before, and a bad one is not taken at all.</summary>
public sealed class TlsCertificateReloaderTests : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchboard-tls-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly LogCapture _logs = new();
    private readonly TlsCertificateStore _store;
    private readonly TlsCertificateReloader _reloader;
    private readonly TestCertificate _first = TestCertificate.Create("first");
    private readonly TestCertificate _second = TestCertificate.Create("second");
    private readonly ILoggerFactory _loggerFactory;

    public TlsCertificateReloaderTests()
    {
        _first.WriteTo(CertificatePath, KeyPath);
        var options = Options.Create(new TlsOptions { CertificatePath = CertificatePath, KeyPath = KeyPath, ReloadInterval = TimeSpan.FromMinutes(1) });
        _loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(_logs));
        _store = new TlsCertificateStore(options, _time, _loggerFactory.CreateLogger<TlsCertificateStore>());
        _reloader = new TlsCertificateReloader(options, new ServiceProviderStub(_store), _time, _loggerFactory.CreateLogger<TlsCertificateReloader>());
    }

    private string CertificatePath => Path.Combine(_directory, "fullchain.pem");

    private string KeyPath => Path.Combine(_directory, "privkey.pem");

    public async ValueTask DisposeAsync()
    {
        await _reloader.StopAsync(CancellationToken.None);
        _reloader.Dispose();
        _loggerFactory.Dispose();
        _first.Dispose();
        _second.Dispose();
        Directory.Delete(_directory, recursive: true);
        _logs.ThrowIfUnexpectedErrors(nameof(TlsCertificateReloaderTests));
    }

    [Fact]
    public async Task Reloader_FilesRenewed_TakesNewCertificateAtTheNextCheck()
    {
        await _reloader.StartAsync(CancellationToken.None);
        _second.WriteTo(CertificatePath, KeyPath);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(_first.Thumbprint, _store.Current.Certificate.Thumbprint);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(_second.Thumbprint, _store.Current.Certificate.Thumbprint);
    }

    [Fact]
    public async Task Reloader_MismatchedKey_KeepsOldCertificateWarnsThenTakesTheFixedPair()
    {
        await _reloader.StartAsync(CancellationToken.None);
        TestCertificate.WriteAtomically(CertificatePath, _second.CertificatePem);

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(_first.Thumbprint, _store.Current.Certificate.Thumbprint);
        var warning = Assert.Single(_logs.Named("TlsReloadFailed"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(KeyPath, warning.Message, StringComparison.Ordinal);

        TestCertificate.WriteAtomically(KeyPath, _second.KeyPem);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(_second.Thumbprint, _store.Current.Certificate.Thumbprint);
    }

    [Fact]
    public async Task Reloader_CertbotSwapsSymlinksInLive_TakesNewCertificate()
    {
        // certbot's layout: live/ holds symlinks into archive/, and a renewal writes new archive files and
        // points the links at them; the files the options name never change themselves.
        var archive = Directory.CreateDirectory(Path.Combine(_directory, "archive")).FullName;
        File.WriteAllText(Path.Combine(archive, "fullchain2.pem"), _second.CertificatePem);
        File.WriteAllText(Path.Combine(archive, "privkey2.pem"), _second.KeyPem);
        var live = Directory.CreateDirectory(Path.Combine(_directory, "live")).FullName;
        File.WriteAllText(Path.Combine(archive, "fullchain1.pem"), _first.CertificatePem);
        File.WriteAllText(Path.Combine(archive, "privkey1.pem"), _first.KeyPem);
        var certificateLink = Path.Combine(live, "fullchain.pem");
        var keyLink = Path.Combine(live, "privkey.pem");
        File.CreateSymbolicLink(certificateLink, "../archive/fullchain1.pem");
        File.CreateSymbolicLink(keyLink, "../archive/privkey1.pem");
        var options = Options.Create(new TlsOptions { CertificatePath = certificateLink, KeyPath = keyLink });
        var store = new TlsCertificateStore(options, _time, _loggerFactory.CreateLogger<TlsCertificateStore>());
        using var reloader = new TlsCertificateReloader(options, new ServiceProviderStub(store), _time, _loggerFactory.CreateLogger<TlsCertificateReloader>());
        await reloader.StartAsync(CancellationToken.None);

        SwapLink(certificateLink, "../archive/fullchain2.pem");
        SwapLink(keyLink, "../archive/privkey2.pem");
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(_second.Thumbprint, store.Current.Certificate.Thumbprint);
        await reloader.StopAsync(CancellationToken.None);
    }

    private static void SwapLink(string link, string target)
    {
        var temporary = link + ".new";
        File.CreateSymbolicLink(temporary, target);
        File.Move(temporary, link, overwrite: true);
    }

    [Fact]
    public async Task Reloader_FilesUnchanged_KeepsTheSameCertificateObject()
    {
        await _reloader.StartAsync(CancellationToken.None);
        var served = _store.Current;

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Same(served, _store.Current);
        Assert.Empty(_logs.Named("TlsReloadFailed"));
    }

    private sealed class ServiceProviderStub(TlsCertificateStore store) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(TlsCertificateStore) ? store : null;
    }
}
