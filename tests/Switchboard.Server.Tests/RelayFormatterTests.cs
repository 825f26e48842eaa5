using System.Text;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Tests;

public sealed class RelayFormatterTests
{
    private static string Relay(string text, string from = "SENDER")
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var parsed = MessageParser.Parse(bytes);
        var message = RelayFormatter.Format(bytes, parsed, Encoding.UTF8.GetBytes(from));
        try
        {
            return Encoding.UTF8.GetString(message.Memory.Span);
        }
        finally
        {
            message.Release();
        }
    }

    [Fact]
    public void Format_PlainMessage_KeepsBytesAndAppendsFrom()
    {
        Assert.Equal(
            """{ "type" : "candidate",  "payload":{"a":[1, 2]} ,"from":"SENDER"}""",
            Relay("""{ "type" : "candidate",  "payload":{"a":[1, 2]} }  """));
    }

    [Fact]
    public void Format_WhitespaceBeforeClosingBrace_IsKeptAndStillValid()
    {
        var relayed = Relay("{\"type\":\"x\"\n}\n");

        Assert.Equal("{\"type\":\"x\"\n,\"from\":\"SENDER\"}", relayed);
        Assert.NotNull(System.Text.Json.JsonDocument.Parse(relayed));
    }

    [Fact]
    public void Format_ClientFrom_IsReplacedWherever_ItStands()
    {
        Assert.Equal(
            """{"type":"x","a":1,"from":"SENDER"}""",
            Relay("""{"from":"evil","type":"x","from":{"deep":"evil"},"a":1,"from":null}"""));
    }

    [Fact]
    public void Format_ClientFromFirst_LeavesNoStrayComma()
    {
        Assert.Equal("""{"type":"x","from":"SENDER"}""", Relay("""{"from":"evil","type":"x"}"""));
    }

    [Fact]
    public void Format_UnicodeAndEscapes_ArePassedThroughUntouched()
    {
        const string Original = """{"type":"chat","text":"héllo \"😀\" \u00e9"}""";

        Assert.Equal(Original[..^1] + ""","from":"SENDER"}""", Relay(Original));
    }
}
