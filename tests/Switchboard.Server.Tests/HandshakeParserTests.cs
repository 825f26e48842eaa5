using System.Text;
using Switchboard.Server.Transport;
using Switchboard.Testing;

namespace Switchboard.Server.Tests;

public sealed class HandshakeParserTests
{
    private static readonly string[] _paths = ["/ws", "/"];

    private const string Valid =
        "GET /ws HTTP/1.1\r\n" +
        "Host: 127.0.0.1:8080\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Origin: http://example.test\r\n" +
        "Sec-WebSocket-Version: 13\r\n\r\n";

    private static HandshakeParseResult Parse(string text, out HandshakeRequest request) =>
        HandshakeParser.TryParse(Encoding.ASCII.GetBytes(text), _paths, out request);

    [Fact]
    public void TryParse_ValidUpgrade_ReturnsKeyPathOriginAndHeadLength()
    {
        var bytes = Encoding.ASCII.GetBytes(Valid + "\x81\x85trailing frame");
        Assert.Equal(HandshakeParseResult.Upgrade, HandshakeParser.TryParse(bytes, _paths, out var request));

        Assert.Equal("/ws", request.Path);
        Assert.Equal("dGhlIHNhbXBsZSBub25jZQ==", Encoding.ASCII.GetString(bytes[request.Key]));
        Assert.Equal("http://example.test", request.Origin);
        Assert.Equal(Valid.Length, request.HeadLength);
        Assert.Equal("127.0.0.1:8080", request.Host);
        Assert.Equal(string.Empty, request.Query);
    }

    [Fact]
    public void TryParse_QueryString_IsSurfacedWithoutThePath()
    {
        Assert.Equal(HandshakeParseResult.Upgrade, Parse(Valid.Replace("GET /ws ", "GET /ws?access_token=a.b.c&x=1 ", StringComparison.Ordinal), out var request));

        Assert.Equal("/ws", request.Path);
        Assert.Equal("?access_token=a.b.c&x=1", request.Query);
    }

    [Fact]
    public void ComputeAccept_Rfc6455Example_MatchesTheRfc()
    {
        // RFC 6455 §1.3.
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketAccept.ComputeAccept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    [Fact]
    public void WriteResponse_Rfc6455Example_IsTheWholeAnswerWithTheRfcAcceptValue()
    {
        var response = new byte[WebSocketAccept.MaxResponseLength];

        var length = WebSocketAccept.WriteResponse("dGhlIHNhbXBsZSBub25jZQ=="u8, response);

        Assert.Equal(
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
            Encoding.ASCII.GetString(response, 0, length));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("GET /ws?token=abc HTTP/1.1\r\n")]
    public void TryParse_RootAndQueryString_AreUpgrades(string requestLine)
    {
        Assert.Equal(HandshakeParseResult.Upgrade, Parse(requestLine + Valid[(Valid.IndexOf('\n') + 1)..], out _));
    }

    [Theory]
    [InlineData("connection: keep-alive, Upgrade\r\n", "Connection: Upgrade\r\n")]
    [InlineData("UPGRADE: WebSocket\r\n", "Upgrade: websocket\r\n")]
    [InlineData("Host:127.0.0.1\r\n", "Host: 127.0.0.1:8080\r\n")]
    public void TryParse_HeaderVariantsTheRfcAllows_AreUpgrades(string replacement, string original)
    {
        Assert.Equal(HandshakeParseResult.Upgrade, Parse(Valid.Replace(original, replacement, StringComparison.Ordinal), out _));
    }

    [Theory]
    [InlineData("GET /ws HTTP/1.1\r\n", "POST /ws HTTP/1.1\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\n", "GET /ws HTTP/1.0\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\n", "GET /other HTTP/1.1\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\n", "GET /wsx HTTP/1.1\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\n", "GET http://host/ws HTTP/1.1\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\n", "GET /ws  HTTP/1.1\r\n")]
    [InlineData("Host: 127.0.0.1:8080\r\n", "")]
    [InlineData("Host: 127.0.0.1:8080\r\n", "Host: a\r\nHost: b\r\n")]
    [InlineData("Upgrade: websocket\r\n", "")]
    [InlineData("Upgrade: websocket\r\n", "Upgrade: h2c\r\n")]
    [InlineData("Connection: Upgrade\r\n", "Connection: keep-alive\r\n")]
    [InlineData("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 8\r\n")]
    [InlineData("Sec-WebSocket-Version: 13\r\n", "")]
    [InlineData("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")]
    [InlineData("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "Sec-WebSocket-Key: short\r\n")]
    [InlineData("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")]
    [InlineData("Origin: http://example.test\r\n", "Origin: a\r\nOrigin: b\r\n")]
    [InlineData("Origin: http://example.test\r\n", "Content-Length: 5\r\n")]
    [InlineData("Origin: http://example.test\r\n", "Origin: a\r\n folded\r\n")]
    [InlineData("Origin: http://example.test\r\n", "Bad Header: x\r\n")]
    [InlineData("Origin: http://example.test\r\n", "X: a\u0001b\r\n")]
    public void TryParse_AnythingUnusual_IsLeftToKestrel(string original, string replacement)
    {
        Assert.Equal(HandshakeParseResult.NotOurs, Parse(Valid.Replace(original, replacement, StringComparison.Ordinal), out _));
    }

    [Theory]
    [InlineData("\x16\x03\x01\x02\x00")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("POST")]
    [InlineData("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")]
    public void TryParse_OtherProtocolsAndPages_AreNotOursAtOnce(string text)
    {
        Assert.Equal(HandshakeParseResult.NotOurs, Parse(text, out _));
    }

    [Theory]
    [InlineData("G")]
    [InlineData("GET /w")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: x\r\n")]
    public void TryParse_PartialHead_IsIncomplete(string text)
    {
        Assert.Equal(HandshakeParseResult.Incomplete, Parse(text, out _));
    }

    [Fact]
    public void TryParse_HeadLongerThanLimit_IsLeftToKestrel()
    {
        var text = "GET /ws HTTP/1.1\r\nX: " + new string('a', HandshakeParser.MaxHeadLength);

        Assert.Equal(HandshakeParseResult.NotOurs, Parse(text, out _));
    }

    [Fact]
    public void TryParse_TooManyHeaders_IsLeftToKestrel()
    {
        var text = Valid.Replace("\r\n\r\n", "\r\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"X-{i}: y\r\n")) + "\r\n", StringComparison.Ordinal);

        Assert.Equal(HandshakeParseResult.NotOurs, Parse(text, out _));
    }

    /// <summary>
    /// Mutation fuzzing: random byte flips, insertions, deletions and truncations of a valid handshake
    /// must never throw, and anything accepted must still be a well-formed upgrade on a known path.
    /// </summary>
    [Fact]
    public void TryParse_TenThousandMutations_NeverThrowsAndAcceptsOnlyWellFormedUpgrades()
    {
        var random = new Random(6455);
        var valid = Encoding.ASCII.GetBytes(Valid);
        for (var i = 0; i < 10_000; i++)
        {
            var bytes = Mutations.Mutate(valid, random);
            var result = HandshakeParser.TryParse(bytes, _paths, out var request);
            if (result == HandshakeParseResult.Upgrade)
            {
                Assert.Contains(request.Path, _paths);
                Assert.True(HandshakeParser.IsValidKey(bytes[request.Key]));
                Assert.InRange(request.HeadLength, 4, bytes.Length);
                Assert.Equal("\r\n\r\n"u8.ToArray(), bytes[(request.HeadLength - 4)..request.HeadLength]);
            }
        }
    }
}
