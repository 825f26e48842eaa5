using System.Text;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Tests;

public sealed class MessageParserTests
{
    private static ParsedMessage Parse(string text) => MessageParser.Parse(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("createRoom", "CreateRoom")]
    [InlineData("join", "Join")]
    [InlineData("leave", "Leave")]
    [InlineData("ping", "Ping")]
    [InlineData("offer", "Offer")]
    [InlineData("answer", "Relay")]
    [InlineData("candidate", "Relay")]
    [InlineData("Offer", "Relay")]
    public void Parse_KnownAndApplicationTypes_AreClassified(string type, string expected)
    {
        var kind = Enum.Parse<MessageKind>(expected);
        var parsed = Parse($$"""{"type":"{{type}}","roomId":"r"}""");

        Assert.Equal(ParseStatus.Ok, parsed.Status);
        Assert.Equal(kind, parsed.Kind);
    }

    [Fact]
    public void Parse_RoutingFields_RecordsWhereTheyAreWithoutCopying()
    {
        const string Text = """ { "payload" : {"roomId":"inner"}, "to":"P1", "type":"answer", "roomId" : "R1" } """;
        var bytes = Encoding.UTF8.GetBytes(Text);

        var parsed = MessageParser.Parse(bytes);

        Assert.Equal("R1", parsed.RoomId.GetString(bytes));
        Assert.Equal("P1", parsed.To.GetString(bytes));
        Assert.Equal("answer", parsed.Type.GetString(bytes));
        Assert.True(parsed.HasProperties);
        Assert.False(parsed.HasFrom);
        Assert.Equal('}', Text[parsed.ObjectEnd]);
        Assert.Equal(Text.Length - 2, parsed.ObjectEnd);
    }

    [Fact]
    public void Parse_EscapedValue_ComparesAfterUnescaping()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"type":"x","roomId":"a\u0062c"}""");

        var parsed = MessageParser.Parse(bytes);

        Assert.True(parsed.RoomId.IsEscaped);
        Assert.True(parsed.RoomId.ValueEquals(bytes, "abc"u8));
        Assert.False(parsed.RoomId.ValueEquals(bytes, "abd"u8));
    }

    [Theory]
    [InlineData("""{"type":"createRoom","capacity":4}""", 4, false)]
    [InlineData("""{"type":"createRoom","capacity":"4"}""", null, true)]
    [InlineData("""{"type":"createRoom","capacity":4.5}""", null, true)]
    [InlineData("""{"type":"createRoom","capacity":4,"capacity":5}""", 4, true)]
    [InlineData("""{"type":"createRoom"}""", null, false)]
    public void Parse_Capacity_IsReadOnlyAsOneInteger(string text, int? capacity, bool invalid)
    {
        var parsed = Parse(text);

        Assert.Equal(ParseStatus.Ok, parsed.Status);
        Assert.Equal(capacity, parsed.Capacity);
        Assert.Equal(invalid, parsed.CapacityInvalid);
    }

    [Theory]
    [InlineData("""{"type":"peerLeft"}""")]
    [InlineData("""{"type":"pe\u0065rLeft"}""")]
    [InlineData("""{"type":"error"}""")]
    public void Parse_ServerOnlyType_IsBadMessage(string text)
    {
        Assert.Equal(ParseStatus.BadMessage, Parse(text).Status);
    }

    [Theory]
    [InlineData("""{"type":"x","from":"me"}""")]
    [InlineData("""{"from":{"nested":true},"type":"x"}""")]
    public void Parse_ClientFrom_IsFlagged(string text)
    {
        Assert.True(Parse(text).HasFrom);
    }

    [Fact]
    public void Parse_DeepNesting_IsBadJson()
    {
        var text = "{\"type\":\"x\",\"p\":" + new string('[', MessageParser.MaxDepth) + new string(']', MessageParser.MaxDepth) + "}";

        Assert.Equal(ParseStatus.BadJson, Parse(text).Status);
    }

    [Fact]
    public void Parse_InvalidJsonAfterSemanticProblem_IsReportedAsBadJson()
    {
        Assert.Equal(ParseStatus.BadJson, Parse("""{"type":7, oops""").Status);
    }

    [Theory]
    [InlineData("""{"type":"\ud800"}""", "type")]
    [InlineData("""{"type":"join","roomId":"\udc00"}""", "roomId")]
    [InlineData("""{"type":"candidate","roomId":"r","to":"\ud800"}""", "to")]
    [InlineData("""{"type":"x","roomId":"a\ud800b"}""", "roomId")]
    [InlineData("""{"type":"x","roomId":"\ud800\u0041"}""", "roomId")]
    [InlineData("""{"type":"x","roomId":"\udc00\ud800"}""", "roomId")]
    [InlineData("""{"type":"x","roomId":"\ud800\n"}""", "roomId")]
    [InlineData("""{"type":"x","roomId":"\\\ud800"}""", "roomId")]
    [InlineData("""{"type":"x","roomId":"\ud83d\ude00\ud800"}""", "roomId")]
    public void Parse_UnpairedSurrogateEscapeInRoutingField_IsBadMessageNamingTheField(string text, string field)
    {
        var parsed = Parse(text);

        Assert.Equal(ParseStatus.BadMessage, parsed.Status);
        Assert.Equal($"\"{field}\" is not valid text: it contains an unpaired surrogate escape", parsed.Problem);
    }

    [Fact]
    public void Parse_PairedSurrogateEscapeInRoutingField_IsUnescaped()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"type":"x","roomId":"\ud83d\uDE00","to":"\\ud800"}""");

        var parsed = MessageParser.Parse(bytes);

        Assert.Equal(ParseStatus.Ok, parsed.Status);
        Assert.True(parsed.RoomId.ValueEquals(bytes, "\U0001F600"u8));
        Assert.Equal("\\ud800", parsed.To.GetString(bytes));
    }

    [Theory]
    [InlineData("""{"type":"candidate","roomId":"r","payload":"\ud800"}""")]
    [InlineData("""{"type":"candidate","roomId":"r","payload":{"to":"\udc00","roomId":"\ud800"}}""")]
    [InlineData("""{"type":"candidate","roomId":"r","from":"\ud800"}""")]
    public void Parse_UnpairedSurrogateEscapeElsewhere_IsLeftForTheRecipient(string text)
    {
        Assert.Equal(ParseStatus.Ok, Parse(text).Status);
    }
}
