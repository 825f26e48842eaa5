using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Turn;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// The TURN credentials Switchboard hands out, tried against a real coturn started with
/// <c>use-auth-secret</c> and two static secrets (an old and a new one, as during a rotation): coturn
/// recomputes the HMAC and checks the expiry on its own clock, so only a credential minted the way coturn
/// expects, with a secret it knows and an expiry still ahead, lets <c>turnutils_uclient</c> allocate a relay.
/// </summary>
public sealed class TurnCredentialTests(CoturnServer coturn) : IClassFixture<CoturnServer>
{
    private static readonly TimeSpan _ttl = TimeSpan.FromHours(1);

    [Theory]
    [InlineData(WayIn.Direct)]
    [InlineData(WayIn.Pipeline)]
    public async Task RoomCreated_CredentialSwitchboardIssued_CoturnAcceptsIt(WayIn wayIn)
    {
        await using var server = await StartAsync(wayIn, CoturnServer.OldSecret);
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "createRoom" });
        var created = await client.ExpectAsync("roomCreated");

        var (username, credential) = TurnEntry(created, (string)created["peerId"]!, DateTimeOffset.UtcNow);
        Assert.Equal((long)_ttl.TotalMilliseconds, (long)created["iceServersTtlMs"]!);
        await AssertAcceptedAsync(username, credential);
    }

    [Fact]
    public async Task Joined_CredentialMintedForTheJoiner_CoturnAcceptsIt()
    {
        await using var server = await StartAsync(WayIn.Direct, CoturnServer.OldSecret);
        await using var creator = await server.ConnectAsync();
        await using var joiner = await server.ConnectAsync();
        var (roomId, creatorId) = await creator.CreateRoomAsync();

        var joined = await joiner.JoinAsync(roomId);

        var joinerId = (string)joined["peerId"]!;
        Assert.NotEqual(creatorId, joinerId);
        var (username, credential) = TurnEntry(joined, joinerId, DateTimeOffset.UtcNow);
        await AssertAcceptedAsync(username, credential);
    }

    [Fact]
    public async Task IceServersRequest_InNoRoomLater_AnswersAFreshCredentialCoturnAccepts()
    {
        var clock = new ShiftedClock();
        await using var server = await StartAsync(WayIn.Pipeline, CoturnServer.OldSecret, clock);
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "iceServers" });
        var first = await client.ExpectAsync("iceServers");
        clock.Offset = TimeSpan.FromMinutes(40);
        await client.SendAsync(new { type = "iceServers" });
        var later = await client.ExpectAsync("iceServers");

        // The peerId of a connection in no room is not told anywhere else: it is the user part of the name.
        var peerId = ((string)first["iceServers"]![0]!["username"]!).Split(':')[1];
        var (firstName, _) = TurnEntry(first, peerId, DateTimeOffset.UtcNow);
        var (username, credential) = TurnEntry(later, peerId, DateTimeOffset.UtcNow + clock.Offset);
        Assert.Equal(40 * 60, Expiry(username) - Expiry(firstName), tolerance: 2);
        await AssertAcceptedAsync(username, credential);
    }

    [Fact]
    public async Task ExpiredCredential_SwitchboardClockTwoHoursBehind_CoturnRefusesIt()
    {
        // Minted an hour-long credential two hours ago, by coturn's clock: it expired an hour ago.
        var clock = new ShiftedClock { Offset = TimeSpan.FromHours(-2) };
        await using var server = await StartAsync(WayIn.Direct, CoturnServer.OldSecret, clock);
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "createRoom" });
        var created = await client.ExpectAsync("roomCreated");

        var (username, credential) = TurnEntry(created, (string)created["peerId"]!, DateTimeOffset.UtcNow + clock.Offset);
        Assert.True(Expiry(username) < DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await AssertRefusedAsync(username, credential);
    }

    [Fact]
    public async Task CredentialFromASecretCoturnDoesNotKnow_CoturnRefusesIt()
    {
        await using var server = await StartAsync(WayIn.Direct, "a-secret-this-coturn-never-heard-of");
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "createRoom" });
        var created = await client.ExpectAsync("roomCreated");

        var (username, credential) = TurnEntry(created, (string)created["peerId"]!, DateTimeOffset.UtcNow);
        await AssertRefusedAsync(username, credential);
    }

    [Fact]
    public async Task SecretRotation_CoturnKnowsOldAndNew_CredentialsFromBothAreAccepted()
    {
        // docs/turn.md: the new secret is added to coturn first, then Switchboard switches to it, and the
        // old one leaves coturn once the last credential made with it has expired (Ttl later).
        await using var before = await StartAsync(WayIn.Direct, CoturnServer.OldSecret);
        await using var after = await StartAsync(WayIn.Direct, CoturnServer.NewSecret);
        await using var oldClient = await before.ConnectAsync();
        await using var newClient = await after.ConnectAsync();

        await oldClient.SendAsync(new { type = "iceServers" });
        await newClient.SendAsync(new { type = "iceServers" });
        var oldEntry = (await oldClient.ExpectAsync("iceServers"))["iceServers"]![0]!;
        var newEntry = (await newClient.ExpectAsync("iceServers"))["iceServers"]![0]!;

        Assert.NotEqual((string?)oldEntry["credential"], (string?)newEntry["credential"]);
        await Task.WhenAll(
            AssertAcceptedAsync((string)oldEntry["username"]!, (string)oldEntry["credential"]!),
            AssertAcceptedAsync((string)newEntry["username"]!, (string)newEntry["credential"]!));
    }

    [Fact]
    public async Task Metrics_ThreeAnswersWithCredentials_ScrapedAsTurnCredentialsTotalThree()
    {
        await using var server = await StartAsync(WayIn.Direct, CoturnServer.OldSecret);
        await using var client = await server.ConnectAsync();
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        await client.CreateRoomAsync();
        await client.SendAsync(new { type = "iceServers" });
        await client.ExpectAsync("iceServers");
        await client.SendAsync(new { type = "iceServers" });
        await client.ExpectAsync("iceServers");

        var line = new System.Text.RegularExpressions.Regex(@"^switchboard_turn_credentials_total(\{[^}]*\})? 3( |$)", System.Text.RegularExpressions.RegexOptions.Multiline);
        await Retry.UntilAsync("/metrics counts the three credentials", async () => line.IsMatch(await http.GetStringAsync("/metrics")), TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task IceServersRequest_TurnOff_AnswersTheConfiguredListAlone()
    {
        await using var server = await TestServer.StartAsync(o => o.IceServers.Add(new() { Urls = ["stun:stun.example.test:3478"] }));
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "iceServers" });
        var answer = await client.ExpectAsync("iceServers");

        Assert.Equal("""[{"urls":["stun:stun.example.test:3478"]}]""", answer["iceServers"]!.ToJsonString());
        Assert.False(answer.ContainsKey("iceServersTtlMs"));
    }

    private Task<TestServer> StartAsync(WayIn wayIn, string secret, TimeProvider? clock = null) =>
        TestServer.StartAsync(wayIn, services: services =>
        {
            services.Configure<TurnOptions>(turn =>
            {
                turn.Secret = secret;
                turn.Urls = [coturn.Url];
                turn.Ttl = _ttl;
            });
            if (clock is not null)
            {
                services.AddSingleton(clock);
            }
        });

    /// <summary>The one TURN entry of a message's <c>iceServers</c>, checked against the scheme: <c>&lt;now + Ttl&gt;:&lt;peerId&gt;</c>.</summary>
    private (string Username, string Credential) TurnEntry(JsonObject message, string peerId, DateTimeOffset serverNow)
    {
        var entry = Assert.Single(message["iceServers"]!.AsArray())!;
        Assert.Equal([coturn.Url], entry["urls"]!.AsArray().Select(url => (string)url!));
        var username = (string)entry["username"]!;
        Assert.EndsWith(":" + peerId, username, StringComparison.Ordinal);
        Assert.Equal((serverNow + _ttl).ToUnixTimeSeconds(), Expiry(username), tolerance: 5);
        return (username, (string)entry["credential"]!);
    }

    private static long Expiry(string username) => long.Parse(username.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);

    private async Task AssertAcceptedAsync(string username, string credential)
    {
        var (exitCode, output) = await coturn.TryCredentialAsync(username, credential);

        Assert.True(exitCode == 0, $"turnutils_uclient exited with {exitCode}:\n{output}");
        Assert.Contains("tot_recv_bytes", output, StringComparison.Ordinal);
    }

    private async Task AssertRefusedAsync(string username, string credential)
    {
        var (exitCode, output) = await coturn.TryCredentialAsync(username, credential);

        Assert.True(exitCode == 255, $"turnutils_uclient exited with {exitCode}, not 255:\n{output}");
        Assert.Contains("Cannot complete Allocation", output, StringComparison.Ordinal);
        // Refused for this credential, not for anything else about the run.
        Assert.Contains($"Cannot find credentials of user <{username}>", coturn.Log, StringComparison.Ordinal);
    }

    /// <summary>The server's wall clock moved by <see cref="Offset"/>; its timers and timestamps stay the system's.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }
}
