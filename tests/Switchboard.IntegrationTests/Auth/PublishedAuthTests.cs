using System.Net.WebSockets;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Auth;

/// <summary>
/// Tokens checked by the binary operators get: Native AOT trims what it cannot see used, so the token
/// library's paths (RSA, ECDsa and HMAC verification, its JSON reading) are run in the published file
/// itself, not only under the JIT.
/// </summary>
[Collection(PublishedBinaryCollection.Name)]
public sealed class PublishedAuthTests(PublishedBinary published)
{
    [Theory]
    [InlineData("aot")]
    [InlineData("single-file")]
    public async Task PublishedBinary_TokensOfEachAlgorithm_CheckedAsUnderTheJit(string format)
    {
        var executable = published.ExecutableOf(format);
        await RunAsync(executable, published.NewFolder("auth-" + format));
    }

    /// <summary>Starts <paramref name="executable"/> with three keys and checks a good and a bad token of each kind.</summary>
    internal static async Task RunAsync(string executable, string folder)
    {
        TestSigner[] signers = [TestSigner.Hs256(), TestSigner.Rs256(), TestSigner.Es256()];
        var environment = new Dictionary<string, string>
        {
            ["Switchboard__Auth__Jwt__Issuer"] = TestSigner.Issuer,
            ["Switchboard__Auth__Jwt__Audience"] = TestSigner.Audience,
        };
        for (var i = 0; i < signers.Length; i++)
        {
            environment[$"Switchboard__Auth__Jwt__SigningKeys__{i}"] = signers[i].Configured;
        }

        await using var server = await SwitchboardProcess.StartExecutableAsync(executable, ["--port", "0"], folder, environment);
        var ws = new Uri($"ws://127.0.0.1:{server.Port}/ws");
        foreach (var signer in signers)
        {
            await using var good = await TestClient.ConnectAsync(new Uri($"{ws}?access_token={signer.Mint(claims: new Dictionary<string, object> { ["sub"] = "u", ["sb:rooms"] = new[] { "r" } })}"));
            var authenticated = await good.ExpectAsync("authenticated");
            Assert.Equal("u", (string?)authenticated["identity"]!["sub"]);

            await using var bad = await TestClient.ConnectAsync(ws);
            await bad.SendAsync(new { type = "auth", token = signer.Mint(audience: "elsewhere") });
            var error = await bad.ExpectAsync("error");
            Assert.Equal("unauthorized", (string?)error["code"]);
            await bad.Closed.DefaultTimeout();
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, bad.CloseStatus);
        }
    }
}
