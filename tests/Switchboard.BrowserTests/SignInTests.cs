using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Switchboard.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

/// <summary>
/// The web app against a server with authentication on (docs/auth.md, docs/web-app.md): tokens come in
/// the link's fragment, leave the address bar, never go into a WebSocket URL, and a refused one is
/// said in plain words.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Secret = "a secret the test backend and the server share, 32+ bytes";

    [Fact]
    public async Task SignIn_TokensInLinkFragment_CallConnectsAndTokensLeaveTheAddressBar()
    {
        await using var server = await StartServerAsync();
        var app = $"http://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/";
        await using var scenario = new Scenario(browser, output, "sign-in");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");
        var sockets = new ConcurrentQueue<string>();
        foreach (var person in new[] { alice, bob })
        {
            person.Page.WebSocket += (_, socket) => sockets.Enqueue(socket.Url);
        }

        await alice.OpenAsync(app + "#access_token=" + Mint(TimeSpan.FromMinutes(5), new() { ["sub"] = "alice" }));
        var link = await alice.CreateRoomAsync();
        var roomId = link[(link.LastIndexOf('#') + 1)..];
        await bob.OpenAsync(link + "&access_token=" + Mint(TimeSpan.FromMinutes(5), new() { ["sub"] = "bob", ["sb:create"] = false, ["sb:rooms"] = new[] { roomId } }));

        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));
        Assert.DoesNotContain("access_token", alice.Page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token", bob.Page.Url, StringComparison.Ordinal);
        Assert.EndsWith("#" + roomId, bob.Page.Url, StringComparison.Ordinal);
        Assert.NotEmpty(sockets);
        Assert.All(sockets, url => Assert.DoesNotContain("access_token", url, StringComparison.Ordinal));

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task SignIn_TokensWithNames_EveryoneSeesTheSignedInNamesNotTheChosenOnes()
    {
        await using var server = await StartServerAsync();
        var app = $"http://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/";
        await using var scenario = new Scenario(browser, output, "sign-in-names");
        // A name chosen on an earlier visit, before the app signed her in.
        var alice = await scenario.AddPersonAsync("alice", initScript: "localStorage.setItem('switchboard.name', 'Chosen Before');");
        var bob = await scenario.AddPersonAsync("bob");

        await alice.OpenAsync(app + "#access_token=" + Mint(TimeSpan.FromMinutes(5), new() { ["sub"] = "alice", ["sb:name"] = "Ada Lovelace" }));
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link + "&access_token=" + Mint(TimeSpan.FromMinutes(5), new() { ["sub"] = "bob", ["sb:name"] = "Bob Signed" }));
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));

        await Expect(bob.RemoteNames).ToHaveTextAsync(["Ada Lovelace"]);
        await Expect(alice.RemoteNames).ToHaveTextAsync(["Bob Signed"]);
        await Expect(alice.Page.Locator("#local-caption")).ToHaveTextAsync("Ada Lovelace (you)");
        await Expect(alice.Page.GetByTestId("name-input")).ToHaveValueAsync("Ada Lovelace");
        await Expect(alice.Page.GetByTestId("name-input")).Not.ToBeEditableAsync();
        await Expect(alice.Page.GetByTestId("name-save")).ToBeHiddenAsync();

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task SignIn_ExpiredToken_SaysSoInPlainWordsAndStopsReconnecting()
    {
        await using var server = await StartServerAsync();
        var app = $"http://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/";
        await using var scenario = new Scenario(browser, output, "sign-in-expired");
        var carol = await scenario.AddPersonAsync("carol");
        var sockets = 0;
        carol.Page.WebSocket += (_, _) => Interlocked.Increment(ref sockets);

        await carol.Page.GotoAsync(app + "#access_token=" + Mint(TimeSpan.FromMinutes(-5)));

        await carol.ExpectErrorAsync("unauthorized", "did not accept your sign-in");
        await Expect(carol.SignalingState).ToHaveTextAsync("not signed in");
        await Expect(carol.Page.GetByTestId("create-room")).ToBeVisibleAsync();

        // The same token would be refused again: the page does not keep knocking.
        await carol.Page.WaitForTimeoutAsync(1500);
        Assert.Equal(1, Volatile.Read(ref sockets));
        await scenario.FinishAsync();
    }

    private static Task<SwitchboardProcess> StartServerAsync() =>
        SwitchboardProcess.StartAsync(["--port", "0"], new Dictionary<string, string>
        {
            ["Switchboard__Auth__Jwt__Issuer"] = "https://backend.example.test",
            ["Switchboard__Auth__Jwt__Audience"] = "switchboard",
            ["Switchboard__Auth__Jwt__SigningKeys__0"] = Secret,
        }).WaitAsync(BrowserTimeouts.Launch);

    /// <summary>An HS256 token made by hand, as docs/auth.md's openssl recipe does.</summary>
    private static string Mint(TimeSpan lifetime, Dictionary<string, object>? claims = null)
    {
        var payload = new Dictionary<string, object>(claims ?? [])
        {
            ["iss"] = "https://backend.example.test",
            ["aud"] = "switchboard",
            ["exp"] = DateTimeOffset.UtcNow.Add(lifetime).ToUnixTimeSeconds(),
        };
        var head = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray()) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload));
        return head + "." + Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes(head)));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
