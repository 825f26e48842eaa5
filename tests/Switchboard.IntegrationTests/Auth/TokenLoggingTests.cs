using System.Net.WebSockets;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Auth;

/// <summary>
/// A token never appears in a log: the real host, every category at Trace (what an operator turns on to
/// debug), tokens in the upgrade's query and in auth messages, good and bad ones. Without
/// <c>TokenLogFilter</c> the pipeline's run fails: ASP.NET Core's "Request starting" line prints the
/// query string, token included, and Kestrel's bad-request event quotes an unparsable request line. Kept beside <see cref="JwtAuthTests"/>; both ways in.
/// </summary>
public abstract class TokenLoggingTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : TokenLoggingTests(WayIn.Direct);

    public sealed class Pipeline() : TokenLoggingTests(WayIn.Pipeline);

    [Fact]
    public async Task Tokens_AtTraceLevel_NeverInTheLogs()
    {
        var signer = TestSigner.Hs256();
        var stranger = TestSigner.Hs256("a secret this server does not know, 32+ bytes");
        await using var server = await SwitchboardProcess.StartAsync(["--port", "0"], new Dictionary<string, string>
        {
            ["Switchboard__DirectWebSockets"] = WayIn == WayIn.Direct ? "true" : "false",
            ["Switchboard__Auth__Jwt__Issuer"] = TestSigner.Issuer,
            ["Switchboard__Auth__Jwt__Audience"] = TestSigner.Audience,
            ["Switchboard__Auth__Jwt__SigningKeys__0"] = signer.Configured,
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Trace",
        });
        var ws = new Uri($"ws://127.0.0.1:{server.Port}/ws");
        string[] tokens = [signer.Mint(), stranger.Mint(), signer.Mint(TimeSpan.FromSeconds(-30)), signer.Mint(), signer.Mint()];

        // A request Kestrel cannot parse: at Debug, its bad-request event quotes the request line, query and all.
        using (var malformed = new System.Net.Sockets.TcpClient())
        {
            await malformed.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
            var stream = malformed.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /ws?access_token={tokens[4]} X HTTP/1.1\r\nHost: x\r\n\r\n"));
            var answer = new byte[512];
            Assert.True(await stream.ReadAsync(answer).AsTask().DefaultTimeout() > 0);
            Assert.StartsWith("HTTP/1.1 400", System.Text.Encoding.ASCII.GetString(answer), StringComparison.Ordinal);
        }

        await using (var byQuery = await TestClient.ConnectAsync(new Uri($"{ws}?access_token={tokens[0]}")))
        {
            await byQuery.ExpectAsync("authenticated");
            await byQuery.CreateRoomAsync();
        }

        await using (var badQuery = await TestClient.ConnectAsync(new Uri($"{ws}?access_token={tokens[1]}")))
        {
            await badQuery.ExpectAsync("error");
            await badQuery.Closed.DefaultTimeout();
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, badQuery.CloseStatus);
        }

        await using (var byMessage = await TestClient.ConnectAsync(ws))
        {
            await byMessage.SendAsync(new { type = "auth", token = tokens[3] });
            await byMessage.ExpectAsync("authenticated");
            await byMessage.SendAsync(new { type = "auth", token = tokens[2] });
            await byMessage.ExpectAsync("error");
            await byMessage.Closed.DefaultTimeout();
        }

        await server.StopAsync();
        var output = server.Output;

        // The run really logged at Trace and saw the refusals: otherwise an empty log would pass.
        Assert.Contains("was refused", output, StringComparison.Ordinal);
        Assert.Contains("dbug:", output, StringComparison.Ordinal);
        foreach (var token in tokens)
        {
            // The signature is the part that makes a token usable; no part of any token may show.
            foreach (var part in token.Split('.'))
            {
                Assert.DoesNotContain(part, output, StringComparison.Ordinal);
            }
        }
    }
}
