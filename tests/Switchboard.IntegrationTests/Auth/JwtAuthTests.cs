using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Auth;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Auth;

/// <summary>
/// Authentication with JSON Web Tokens (docs/auth.md): a token in the upgrade's <c>access_token</c> or a
/// first <c>auth</c> message; nothing else before it; missing, expired or badly signed means
/// <c>unauthorized</c> and close 1008; the claims restrict rooms and name the member; a refresh keeps
/// a call past its first token's <c>exp</c>. Each runs over both ways in.
/// </summary>
public abstract class JwtAuthTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : JwtAuthTests(WayIn.Direct);

    public sealed class Pipeline() : JwtAuthTests(WayIn.Pipeline);

    [Theory]
    [InlineData("HS256")]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task FirstMessage_ValidToken_AuthenticatesAndRoomsWork(string algorithm)
    {
        var signer = TestSigner.For(algorithm);
        await using var server = await StartAsync(signer);
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();

        var authenticated = await AuthenticateAsync(a, signer.Mint(TimeSpan.FromMinutes(5)));
        await AuthenticateAsync(b, signer.Mint());

        Assert.InRange((long)authenticated["exp"]!, DateTimeOffset.UtcNow.AddMinutes(4).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(6).ToUnixTimeSeconds());
        var (roomId, _) = await a.CreateRoomAsync();
        await b.JoinAsync(roomId);
        await b.SendAsync(new { type = "offer", roomId, payload = "sdp" });
        await a.ExpectAsync("peerJoined");
        var offer = await a.ExpectAsync("offer");
        Assert.Equal("sdp", (string?)offer["payload"]);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task QueryToken_Valid_AuthenticatedWithoutAMessage(string algorithm)
    {
        var signer = TestSigner.For(algorithm);
        await using var server = await StartAsync(signer);
        await using var client = await ConnectAsync(server, signer.Mint());

        await client.ExpectAsync("authenticated");
        await client.CreateRoomAsync();
    }

    [Fact]
    public async Task Token_Expired_UnauthorizedAndClose1008()
    {
        var signer = TestSigner.Hs256();
        await using var server = await StartAsync(signer);
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "auth", token = signer.Mint(TimeSpan.FromSeconds(-5)) });

        await ExpectRefusedAsync(client, "expired");
    }

    [Fact]
    public async Task Token_SignedWithAnotherKey_UnauthorizedAndClose1008()
    {
        await using var server = await StartAsync(TestSigner.Hs256());
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "auth", token = TestSigner.Hs256("another secret, also at least 32 bytes long").Mint() });

        await ExpectRefusedAsync(client, "signature");
    }

    [Fact]
    public async Task Token_PublicKeyTextUsedAsHmacSecret_Refused()
    {
        // The classic forgery: the attacker knows the RS256 public key and signs HS256 with its PEM text.
        var rs256 = TestSigner.Rs256();
        await using var server = await StartAsync(rs256);
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "auth", token = TestSigner.Hs256(rs256.Configured).Mint() });

        await ExpectRefusedAsync(client, "");
    }

    [Theory]
    [InlineData("audience")]
    [InlineData("issuer")]
    public async Task Token_ForAnotherAudienceOrIssuer_UnauthorizedAndClose1008(string which)
    {
        var signer = TestSigner.Es256();
        await using var server = await StartAsync(signer);
        await using var client = await server.ConnectAsync();

        var token = which == "audience" ? signer.Mint(audience: "some-other-service") : signer.Mint(issuer: "https://evil.example.test");
        await client.SendAsync(new { type = "auth", token });

        await ExpectRefusedAsync(client, which);
    }

    [Fact]
    public async Task QueryToken_Invalid_UnauthorizedAndClose1008()
    {
        var signer = TestSigner.Rs256();
        await using var server = await StartAsync(signer);
        await using var client = await ConnectAsync(server, TestSigner.Rs256().Mint());

        await ExpectRefusedAsync(client, "signature");
    }

    [Fact]
    public async Task Refusal_Counted_AsUnauthorizedErrorAndClose()
    {
        var signer = TestSigner.Hs256();
        await using var server = await StartAsync(signer);
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "auth", token = signer.Mint(TimeSpan.FromSeconds(-5)) });
        await ExpectRefusedAsync(client, "expired");

        var metrics = server.Services.GetRequiredService<Switchboard.Server.Diagnostics.SwitchboardMetrics>();
        await Retry.UntilAsync("the close is counted", () => metrics.Snapshot().Closes.GetValueOrDefault("unauthorized") == 1);
        Assert.Equal(1, metrics.Snapshot().Errors.GetValueOrDefault("unauthorized"));
    }

    [Fact]
    public async Task KeyRotation_TwoKeysConfigured_TokensSignedByEitherPass()
    {
        var old = TestSigner.Hs256("the old secret, at least thirty-two bytes");
        var next = TestSigner.Rs256();
        await using var server = await StartAsync(old, next);
        await using var byOld = await server.ConnectAsync();
        await using var byNext = await ConnectAsync(server, next.Mint());

        await AuthenticateAsync(byOld, old.Mint());
        await byNext.ExpectAsync("authenticated");

        var (roomId, _) = await byOld.CreateRoomAsync();
        await byNext.JoinAsync(roomId);
    }

    [Fact]
    public async Task NoToken_WithinTimeout_UnauthorizedAndClose1008()
    {
        await using var server = await StartAsync(auth => auth.Timeout = TimeSpan.FromMilliseconds(300), TestSigner.Hs256());
        await using var client = await server.ConnectAsync();

        await ExpectRefusedAsync(client, "no token within");
    }

    [Theory]
    [InlineData("""{"type":"createRoom"}""")]
    [InlineData("""{"type":"ping"}""")]
    [InlineData("not json")]
    public async Task MessageBeforeAuth_Refused_UnauthorizedAndClose1008(string text)
    {
        var signer = TestSigner.Hs256();
        await using var server = await StartAsync(signer);
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync(text);

        await ExpectRefusedAsync(client, "authenticate first");
        Assert.Equal(0, server.Stats.Rooms);
    }

    [Fact]
    public async Task Claims_CreateFalse_CreateRefusedButJoinAllowed()
    {
        var signer = TestSigner.Hs256();
        await using var server = await StartAsync(signer);
        await using var host = await server.ConnectAsync();
        await using var guest = await server.ConnectAsync();
        await AuthenticateAsync(host, signer.Mint());
        await AuthenticateAsync(guest, signer.Mint(claims: new Dictionary<string, object> { ["sb:create"] = false }));
        var (roomId, _) = await host.CreateRoomAsync();

        await guest.SendAsync(new { type = "createRoom" });
        var error = await guest.ExpectAsync("error");

        Assert.Equal("unauthorized", (string?)error["code"]);
        Assert.Contains("creating rooms", (string?)error["payload"]);
        await guest.JoinAsync(roomId);
        Assert.Null(guest.CloseStatus);
    }

    [Fact]
    public async Task Claims_RoomsList_OnlyListedRoomsMayBeJoined()
    {
        var signer = TestSigner.Hs256();
        await using var server = await StartAsync(signer);
        await using var host = await server.ConnectAsync();
        await AuthenticateAsync(host, signer.Mint());
        var (allowed, _) = await host.CreateRoomAsync(capacity: 4);
        var (other, _) = await host.CreateRoomAsync(capacity: 4);
        await using var guest = await server.ConnectAsync();
        await AuthenticateAsync(guest, signer.Mint(claims: new Dictionary<string, object> { ["sb:rooms"] = new[] { allowed } }));

        await guest.SendAsync(new { type = "join", roomId = other });
        var refused = await guest.ExpectAsync("error");
        await guest.SendAsync(new { type = "offer", roomId = other, payload = "the tutorial's join" });
        var refusedOffer = await guest.ExpectAsync("error");
        await guest.SendAsync(new { type = "join", roomId = "no-such-room" });
        var unknown = await guest.ExpectAsync("error");

        Assert.Equal("unauthorized", (string?)refused["code"]);
        Assert.Equal("unauthorized", (string?)refusedOffer["code"]);

        // Refused before the lookup: a restricted token learns nothing about which other rooms exist.
        Assert.Equal("unauthorized", (string?)unknown["code"]);
        await guest.JoinAsync(allowed);
    }

    [Fact]
    public async Task Claims_Identity_SeenByOtherMembersInJoinedAndPeerJoined()
    {
        var signer = TestSigner.Es256();
        await using var server = await StartAsync(signer);
        await using var alice = await server.ConnectAsync();
        await using var bob = await server.ConnectAsync();
        var aliceAuth = await AuthenticateAsync(alice, signer.Mint(claims: new Dictionary<string, object> { ["sub"] = "user-1", ["sb:name"] = "Alice" }));
        await AuthenticateAsync(bob, signer.Mint(claims: new Dictionary<string, object> { ["sub"] = "user-2", ["sb:name"] = "Bob" }));
        var (roomId, alicePeer) = await alice.CreateRoomAsync();

        var joined = await bob.JoinAsync(roomId);
        var peerJoined = await alice.ExpectAsync("peerJoined");

        Assert.Equal("Alice", (string?)aliceAuth["identity"]!["name"]);
        Assert.Equal("user-1", (string?)joined["identities"]![alicePeer]!["sub"]);
        Assert.Equal("Alice", (string?)joined["identities"]![alicePeer]!["name"]);
        Assert.Equal("user-2", (string?)peerJoined["identity"]!["sub"]);
        Assert.Equal("Bob", (string?)peerJoined["identity"]!["name"]);
        Assert.Equal(alicePeer, (string?)joined["peers"]![0]);
    }

    [Fact]
    public async Task Refresh_BeforeExp_KeepsConnectionPastFirstTokensExp()
    {
        var signer = TestSigner.Hs256();
        await using var server = await StartAsync(signer);
        // exp is whole seconds, so this one ends 3–4 s from now: room enough to refresh first on a busy machine.
        var shortToken = signer.Mint(TimeSpan.FromSeconds(4));
        await using var refreshed = await ConnectAsync(server, shortToken);
        await using var notRefreshed = await ConnectAsync(server, shortToken);
        await refreshed.ExpectAsync("authenticated");
        await notRefreshed.ExpectAsync("authenticated");

        var again = await AuthenticateAsync(refreshed, signer.Mint(TimeSpan.FromMinutes(5)));
        var (roomId, _) = await refreshed.CreateRoomAsync();

        // The same first token's exp passes for both: the one without a refresh is closed, which is the clock this test waits on.
        await ExpectRefusedAsync(notRefreshed, "expired", TimeSpan.FromSeconds(10));
        Assert.True((long)again["exp"]! > DateTimeOffset.UtcNow.AddMinutes(4).ToUnixTimeSeconds());
        await refreshed.SendAsync(new { type = "ping" });
        await refreshed.ExpectAsync("pong");
        await using var joiner = await ConnectAsync(server, signer.Mint());
        await joiner.ExpectAsync("authenticated");
        await joiner.JoinAsync(roomId);
        await refreshed.ExpectAsync("peerJoined");
        Assert.Null(refreshed.CloseStatus);
    }

    [Fact]
    public async Task Refresh_WithAnotherIdentity_UnauthorizedAndClose1008()
    {
        var signer = TestSigner.Hs256();
        await using var server = await StartAsync(signer);
        await using var client = await server.ConnectAsync();
        await AuthenticateAsync(client, signer.Mint(claims: new Dictionary<string, object> { ["sub"] = "user-1" }));

        await client.SendAsync(new { type = "auth", token = signer.Mint(claims: new Dictionary<string, object> { ["sub"] = "user-2" }) });

        await ExpectRefusedAsync(client, "same sub");
    }

    [Fact]
    public async Task AuthOff_AuthMessage_BadMessageAndConnectionGoesOn()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "auth", token = "anything" });
        var error = await client.ExpectAsync("error");

        Assert.Equal("bad-message", (string?)error["code"]);
        await client.CreateRoomAsync();
    }

    [Fact]
    public async Task AuthenticatedType_SentByClient_IsReserved()
    {
        var signer = TestSigner.Hs256();
        await using var server = await StartAsync(signer);
        await using var client = await ConnectAsync(server, signer.Mint());
        await client.ExpectAsync("authenticated");

        await client.SendAsync(new { type = "authenticated", roomId = "x" });
        var error = await client.ExpectAsync("error");

        Assert.Equal("bad-message", (string?)error["code"]);
    }

    private Task<TestServer> StartAsync(params TestSigner[] signers) => StartAsync(null, signers);

    private Task<TestServer> StartAsync(Action<AuthOptions>? configure, params TestSigner[] signers) =>
        StartServerAsync(o =>
        {
            o.Auth.Jwt.Issuer = TestSigner.Issuer;
            o.Auth.Jwt.Audience = TestSigner.Audience;
            o.Auth.Jwt.SigningKeys = [.. signers.Select(s => s.Configured)];

            // Exact expiry: the refresh test waits on a 4-second token's exp, not on exp plus 30 s of skew.
            o.Auth.Jwt.ClockSkew = TimeSpan.Zero;
            configure?.Invoke(o.Auth);
        });

    private static Task<TestClient> ConnectAsync(TestServer server, string token) =>
        TestClient.ConnectAsync(new Uri($"{server.WebSocketAddress}?room=x&access_token={Uri.EscapeDataString(token)}"));

    private static async Task<JsonObject> AuthenticateAsync(TestClient client, string token)
    {
        await client.SendAsync(new { type = "auth", token });
        return await client.ExpectAsync("authenticated");
    }

    private static async Task ExpectRefusedAsync(TestClient client, string reason, TimeSpan? timeout = null)
    {
        var error = await client.ExpectAsync("error", timeout);
        Assert.Equal("unauthorized", (string?)error["code"]);
        Assert.Contains(reason, (string?)error["payload"], StringComparison.Ordinal);
        await client.Closed.DefaultTimeout();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("unauthorized", client.CloseDescription);
    }
}
