using System.Text.Json.Nodes;
using Switchboard.IntegrationTests.Auth;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests.Seats;

/// <summary>
/// With authentication on, a seat belongs to an identity: the connection that resumes it must have
/// presented a token with the seat's <c>sub</c>, so a leaked resume token alone does not seat someone else.
/// </summary>
public abstract class ResumeAuthTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : ResumeAuthTests(WayIn.Direct);

    public sealed class Pipeline() : ResumeAuthTests(WayIn.Pipeline);

    private readonly TestSigner _signer = TestSigner.Hs256();

    [Fact]
    public async Task Resume_SameIdentity_ResumedWithTheRoomsIdentities()
    {
        await using var server = await StartAsync();
        var (a, b, roomId, aId, bId, token) = await SeatedPairAsync(server);
        await using var _ = a;
        await using var __ = b;
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
        await using var b2 = await server.ConnectAsync();
        await AuthenticateAsync(b2, "user-2");

        await b2.SendAsync(new { type = "resume", token });

        var resumed = Seat.AssertResumed(await b2.ReceiveAsync());
        Assert.Equal(bId, (string?)resumed["peerId"]);
        var room = Seat.Room(resumed, roomId);
        Assert.Equal("user-1", (string?)room["identities"]![aId]!["sub"]);
        await Seat.ExpectNoticeAsync(a, "peerReconnected", roomId, bId);
    }

    [Fact]
    public async Task Resume_AnotherIdentity_ResumeFailedAndNobodyIsTold()
    {
        await using var server = await StartAsync();
        var (a, b, roomId, _, bId, token) = await SeatedPairAsync(server);
        await using var _ = a;
        await using var __ = b;
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
        await using var thief = await server.ConnectAsync();
        await AuthenticateAsync(thief, "user-3");

        await thief.SendAsync(new { type = "resume", token });

        Seat.AssertResumeFailed(await thief.ReceiveAsync());
        Assert.True(await a.NothingArrivesAsync(Seat.Quiet), "the seat changed hands");
        var (_, ownId) = await thief.CreateRoomAsync();
        Assert.NotEqual(bId, ownId);
    }

    [Fact]
    public async Task Resume_TokenWithoutIdentity_ResumeFailedForASeatWithOne()
    {
        await using var server = await StartAsync();
        var (a, b, roomId, _, bId, token) = await SeatedPairAsync(server);
        await using var _ = a;
        await using var __ = b;
        b.Abort();
        await Seat.ExpectNoticeAsync(a, "peerDisconnected", roomId, bId);
        await using var nobody = await server.ConnectAsync();
        await nobody.SendAsync(new { type = "auth", token = _signer.Mint() });
        await nobody.ExpectAsync("authenticated");

        await nobody.SendAsync(new { type = "resume", token });

        Seat.AssertResumeFailed(await nobody.ReceiveAsync());
        Assert.True(await a.NothingArrivesAsync(Seat.Quiet), "the seat changed hands");
    }

    [Fact]
    public async Task TokenExpiry_Close1008_SeatEndsAtOnce()
    {
        await using var server = await StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await AuthenticateAsync(a, "user-1");
        await b.SendAsync(new { type = "auth", token = _signer.Mint(TimeSpan.FromSeconds(3), new Dictionary<string, object> { ["sub"] = "user-2" }) });
        await b.ExpectAsync("authenticated");
        var (roomId, _) = await a.CreateRoomAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await Seat.ExpectNoticeAsync(a, "peerJoined", roomId, bId);

        await Seat.ExpectErrorAsync(b, "unauthorized");
        await b.Closed.DefaultTimeout();

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, b.CloseStatus);
        await Seat.ExpectNoticeAsync(a, "peerLeft", roomId, bId);
        await using var b2 = await server.ConnectAsync();
        await AuthenticateAsync(b2, "user-2");
        await b2.SendAsync(new { type = "resume", token = Seat.Token(joined) });
        Seat.AssertResumeFailed(await b2.ReceiveAsync());
    }

    private Task<TestServer> StartAsync() =>
        StartServerAsync(o =>
        {
            Seat.Quick(o);
            o.ResumeGracePeriod = TimeSpan.FromSeconds(30);
            o.Auth.Jwt.Issuer = TestSigner.Issuer;
            o.Auth.Jwt.Audience = TestSigner.Audience;
            o.Auth.Jwt.SigningKeys = [_signer.Configured];
            o.Auth.Jwt.ClockSkew = TimeSpan.Zero;
        });

    /// <summary>user-1 creates a room and user-2 joins it; returns both and user-2's resume token.</summary>
    private async Task<(TestClient A, TestClient B, string RoomId, string AId, string BId, string Token)> SeatedPairAsync(TestServer server)
    {
        var a = await server.ConnectAsync();
        var b = await server.ConnectAsync();
        await AuthenticateAsync(a, "user-1");
        await AuthenticateAsync(b, "user-2");
        var (roomId, aId) = await a.CreateRoomAsync();
        var joined = await b.JoinAsync(roomId);
        var bId = (string)joined["peerId"]!;
        await Seat.ExpectNoticeAsync(a, "peerJoined", roomId, bId);
        return (a, b, roomId, aId, bId, Seat.Token(joined));
    }

    private async Task<JsonObject> AuthenticateAsync(TestClient client, string sub)
    {
        await client.SendAsync(new { type = "auth", token = _signer.Mint(claims: new Dictionary<string, object> { ["sub"] = sub }) });
        return await client.ExpectAsync("authenticated");
    }
}
