using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Server.Connections;
using Switchboard.Server.Protocol;
using Switchboard.Server.Rooms;
using Switchboard.Server.Seats;
using Switchboard.Server.Turn;

namespace Switchboard.Server.Tests;

public sealed class IceServersMessageTests
{
    private static readonly byte[] _peerId = Encoding.UTF8.GetBytes("q3XwPeerIdOfTwentyTwo0");
    private static readonly Seat _seat = new(null, new SeatLimits(new SwitchboardOptions(), new SendBacklogBudget(1 << 20)), "q3XwPeerIdOfTwentyTwo0");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    [Fact]
    public void RoomCreated_TurnOn_CarriesStunThenTurnEntryAndTtl()
    {
        var messages = new ServerMessages(WithStun(), TurnCredentialsTests.Credentials(_time, TimeSpan.FromHours(1)));

        var created = Parse(messages.RoomCreated(new Room("R", 2), _seat));

        var servers = created["iceServers"]!.AsArray();
        Assert.Equal(2, servers.Count);
        Assert.Equal("stun:stun.example.test:3478", (string?)servers[0]!["urls"]![0]);
        Assert.Null(servers[0]!["username"]);
        Assert.Equal($"{1_700_003_600}:q3XwPeerIdOfTwentyTwo0", (string?)servers[1]!["username"]);
        Assert.Equal(TurnCredentials.Credential("secret", $"{1_700_003_600}:q3XwPeerIdOfTwentyTwo0"), (string?)servers[1]!["credential"]);
        Assert.Equal(3_600_000, (long)created["iceServersTtlMs"]!);
    }

    [Fact]
    public void Joined_TurnOn_MintsForTheJoiner()
    {
        var messages = new ServerMessages(new SwitchboardOptions(), TurnCredentialsTests.Credentials(_time, TimeSpan.FromMinutes(5)));

        var joined = Parse(messages.Joined(new Room("R", 4), _seat, []));

        var turn = Assert.Single(joined["iceServers"]!.AsArray())!;
        Assert.Equal($"{1_700_000_300}:q3XwPeerIdOfTwentyTwo0", (string?)turn["username"]);
    }

    [Fact]
    public void IceServers_ClockMoved_AnswersAFreshCredential()
    {
        var messages = new ServerMessages(WithStun(), TurnCredentialsTests.Credentials(_time, TimeSpan.FromHours(1)));

        var before = Parse(messages.IceServers(_peerId));
        _time.Advance(TimeSpan.FromMinutes(40));
        var after = Parse(messages.IceServers(_peerId));

        Assert.Equal("iceServers", (string?)after["type"]);
        Assert.Equal($"{1_700_003_600}:q3XwPeerIdOfTwentyTwo0", (string?)before["iceServers"]![1]!["username"]);
        Assert.Equal($"{1_700_003_600 + 2400}:q3XwPeerIdOfTwentyTwo0", (string?)after["iceServers"]![1]!["username"]);
    }

    [Fact]
    public void IceServers_TurnOff_IsTheConfiguredListWithoutTtl()
    {
        var messages = new ServerMessages(WithStun());

        var answer = Parse(messages.IceServers(_peerId));

        Assert.Equal("""[{"urls":["stun:stun.example.test:3478"]}]""", answer["iceServers"]!.ToJsonString());
        Assert.False(answer.ContainsKey("iceServersTtlMs"));
    }

    [Fact]
    public void Parse_IceServersRequest_IsItsOwnKindNotARelay()
    {
        var parsed = MessageParser.Parse("""{"type":"iceServers"}"""u8);

        Assert.Equal(ParseStatus.Ok, parsed.Status);
        Assert.Equal(MessageKind.IceServers, parsed.Kind);
    }

    private static SwitchboardOptions WithStun()
    {
        var options = new SwitchboardOptions();
        options.IceServers.Add(new IceServerOptions { Urls = ["stun:stun.example.test:3478"] });
        return options;
    }

    private static JsonObject Parse(OutboundMessage message)
    {
        try
        {
            return JsonNode.Parse(message.Memory.Span)!.AsObject();
        }
        finally
        {
            message.Release();
        }
    }
}
