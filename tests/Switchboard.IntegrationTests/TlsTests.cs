using System.Globalization;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// HTTPS and WSS from PEM files, on a real server process configured through environment variables as an
/// operator's service unit would; the certificate renewed underneath it as certbot renews one. The
/// direct epoll transport is in front (the default on Linux), so these also show that a TLS connection
/// passes through it to Kestrel untouched.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchboard-tls-").FullName;

    private string CertificatePath => Path.Combine(_directory, "fullchain.pem");

    private string KeyPath => Path.Combine(_directory, "privkey.pem");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Wss_TutorialFlow_RelaysOfferAnswerAndCandidates()
    {
        using var certificate = TestCertificate.Create();
        certificate.WriteTo(CertificatePath, KeyPath);
        await using var server = await StartAsync(["--port", "0"]);

        await using var creator = await ConnectAsync(server, certificate);
        await using var joiner = await ConnectAsync(server, certificate);
        await RelayFlowAsync(creator, joiner, "first");
        Assert.Equal(certificate.Thumbprint, await TestCertificate.ServedThumbprintAsync(server.Port));

        // TLS connections take the HTTP pipeline, and the metrics say so.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => certificate.Trusts(presented) };
        using var http = new HttpClient(handler);
        await Retry.UntilAsync(
            "both wss connections count as pipeline connections",
            async () => (await http.GetStringAsync(new Uri($"https://127.0.0.1:{server.Port}/metrics"))).Contains("switchboard_connections{otel_scope_name=\"Switchboard\",transport=\"pipeline\"} 2", StringComparison.Ordinal),
            TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Https_UrlsArgument_ServesTheConfiguredCertificate()
    {
        using var certificate = TestCertificate.Create();
        certificate.WriteTo(CertificatePath, KeyPath);
        await using var server = await StartAsync(["--urls", "https://127.0.0.1:0"]);

        Assert.Equal(certificate.Thumbprint, await TestCertificate.ServedThumbprintAsync(server.Port));
        await using var creator = await ConnectAsync(server, certificate);
        await creator.CreateRoomAsync();
    }

    [Fact]
    public async Task Tls_FilesReplaced_NewHandshakesGetNewCertificateWhileOpenConnectionRelays()
    {
        using var first = TestCertificate.Create("first");
        using var second = TestCertificate.Create("second");
        first.WriteTo(CertificatePath, KeyPath);
        await using var server = await StartAsync(["--port", "0"]);
        await using var creator = await ConnectAsync(server, first);
        await using var joiner = await ConnectAsync(server, first);
        var (roomId, _) = await creator.CreateRoomAsync();
        await joiner.SendAsync(new { type = "offer", roomId, payload = new { type = "offer", sdp = "before" } });
        await creator.ExpectAsync("peerJoined");
        await creator.ExpectAsync("offer");

        second.WriteTo(CertificatePath, KeyPath);

        await UntilServedAsync(server.Port, second.Thumbprint);
        await Retry.UntilAsync("the new certificate is logged", () => server.Output.Contains($"thumbprint {second.Thumbprint}", StringComparison.Ordinal));
        // The pair connected before the renewal still relays both ways.
        await creator.SendAsync(new { type = "answer", roomId, payload = new { type = "answer", sdp = "after" } });
        Assert.Equal("after", (string)(await joiner.ExpectAsync("answer"))["payload"]!["sdp"]!);
        await joiner.SendAsync(new { type = "candidate", roomId, payload = new { candidate = "candidate:1 1 udp 1 127.0.0.1 5000 typ host" } });
        await creator.ExpectAsync("candidate");
        // A new client trusting only the new certificate gets in.
        await using var late = await ConnectAsync(server, second);
        await late.CreateRoomAsync();
    }

    [Fact]
    public async Task Tls_ReloadFails_KeepsOldCertificateLogsWarningAndRetries()
    {
        using var first = TestCertificate.Create("first");
        using var second = TestCertificate.Create("second");
        first.WriteTo(CertificatePath, KeyPath);
        await using var server = await StartAsync(["--port", "0"]);
        await using var before = await ConnectAsync(server, first);

        // The new certificate lands before its key: for a moment the pair does not match.
        TestCertificate.WriteAtomically(CertificatePath, second.CertificatePem);

        await Retry.UntilAsync("a warning names the key file", () => server.Output.Contains("warn: Switchboard.Server.Tls", StringComparison.Ordinal) && server.Output.Contains($"'{KeyPath}' does not hold the private key", StringComparison.Ordinal));
        Assert.Equal(first.Thumbprint, await TestCertificate.ServedThumbprintAsync(server.Port));
        await before.CreateRoomAsync();

        TestCertificate.WriteAtomically(KeyPath, second.KeyPem);

        await UntilServedAsync(server.Port, second.Thumbprint);
    }

    [Fact]
    public async Task Tls_KeyOfAnotherCertificateAtStart_ExitsNonZeroNamingTheKeyFile()
    {
        using var first = TestCertificate.Create("first");
        using var second = TestCertificate.Create("second");
        File.WriteAllText(CertificatePath, first.CertificatePem);
        File.WriteAllText(KeyPath, second.KeyPem);

        await using var server = await StartAsync(["--port", "0"], waitForPort: false);
        await server.WaitForExitAsync();

        server.ErrorLogsAllowed = true;
        Assert.NotEqual(0, server.ExitCode);
        Assert.Contains($"Switchboard:Tls:KeyPath: '{KeyPath}' does not hold the private key of the certificate in '{CertificatePath}'", server.Output, StringComparison.Ordinal);
    }

    /// <summary>Started as an operator would: <c>--tls-cert</c> and <c>--tls-key</c> on the command line.</summary>
    private Task<SwitchboardProcess> StartAsync(string[] arguments, bool waitForPort = true) =>
        SwitchboardProcess.StartAsync(
            [.. arguments, "--tls-cert", CertificatePath, "--tls-key", KeyPath],
            new Dictionary<string, string>
            {
                ["Switchboard__Tls__ReloadInterval"] = "00:00:00.200",
                // The direct transport must hand a ClientHello to Kestrel at once, not when it gives up
                // waiting for a plain request head: with this timeout every handshake would miss the test's.
                ["Switchboard__HandshakeTimeout"] = "00:01:00",
            },
            waitForPort);

    private static Task<TestClient> ConnectAsync(SwitchboardProcess server, TestCertificate trusted) =>
        TestClient.ConnectAsync(
            new Uri($"wss://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/"),
            options => options.RemoteCertificateValidationCallback = (_, presented, _, _) => trusted.Trusts(presented));

    private static async Task RelayFlowAsync(TestClient creator, TestClient joiner, string sdp)
    {
        var (roomId, creatorId) = await creator.CreateRoomAsync();
        await joiner.SendAsync(new { type = "offer", roomId, payload = new { type = "offer", sdp } });
        var joinerId = (string)(await creator.ExpectAsync("peerJoined"))["peerId"]!;
        var offer = await creator.ExpectAsync("offer");
        Assert.Equal(sdp, (string)offer["payload"]!["sdp"]!);
        Assert.Equal(joinerId, (string)offer["from"]!);
        await creator.SendAsync(new { type = "answer", roomId, payload = new { type = "answer", sdp } });
        Assert.Equal(creatorId, (string)(await joiner.ExpectAsync("answer"))["from"]!);
        await creator.SendAsync(new { type = "candidate", roomId, payload = new { candidate = "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid = "0" } });
        await joiner.SendAsync(new { type = "candidate", roomId, payload = new { candidate = "candidate:2 1 udp 1 127.0.0.2 6000 typ host", sdpMid = "0" } });
        Assert.StartsWith("candidate:1 ", (string)(await joiner.ExpectAsync("candidate"))["payload"]!["candidate"]!, StringComparison.Ordinal);
        Assert.StartsWith("candidate:2 ", (string)(await creator.ExpectAsync("candidate"))["payload"]!["candidate"]!, StringComparison.Ordinal);
    }

    // Waits on the condition itself: the next check after the files changed takes the new certificate.
    private static async Task UntilServedAsync(int port, string thumbprint)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (await TestCertificate.ServedThumbprintAsync(port) != thumbprint)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until new handshakes get certificate {thumbprint}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
