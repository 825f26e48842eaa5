using System.Globalization;
using Switchboard.Testing;
using Xunit.Abstractions;

namespace Switchboard.BrowserTests;

/// <summary>
/// The web app served over HTTPS, as on a real host where browsers give the camera only to a secure
/// origin: the page, the signaling (wss, or the browser would block it as mixed content) and the call.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TlsCallTests(BrowserFixture browser, ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchboard-tls-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Call_OverHttps_BothConnectWithVideoAndChat()
    {
        using var certificate = TestCertificate.Create();
        var certificatePath = Path.Combine(_directory, "fullchain.pem");
        var keyPath = Path.Combine(_directory, "privkey.pem");
        certificate.WriteTo(certificatePath, keyPath);
        await using var server = await SwitchboardProcess.StartAsync(
            ["--port", "0"],
            new Dictionary<string, string> { ["Switchboard__Tls__CertificatePath"] = certificatePath, ["Switchboard__Tls__KeyPath"] = keyPath })
            .WaitAsync(BrowserTimeouts.Launch);
        var address = $"https://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/";

        await using var scenario = new Scenario(browser, output, "tls-call");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");
        // The test's certificate is self-signed: each person's browser is told to accept it, as a person
        // would click through the warning (a real host has a certificate browsers trust).
        foreach (var person in new[] { alice, bob })
        {
            var devtools = await person.Context.NewCDPSessionAsync(person.Page);
            await devtools.SendAsync("Security.setIgnoreCertificateErrors", new Dictionary<string, object> { ["ignore"] = true });
        }

        await alice.OpenAsync(address);
        var link = await alice.CreateRoomAsync();
        Assert.StartsWith(address, link, StringComparison.Ordinal);
        await bob.OpenAsync(link);

        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));
        await alice.SendChatAsync("Hello over TLS");
        await bob.ExpectChatAsync("Hello over TLS");

        await scenario.FinishAsync();
    }
}
