using System.Text;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// WebSocket framing (RFC 6455 §5): frames a client must not send are refused with the right close code,
/// and everything a client may do (several frames in one write, one frame over many writes, control
/// frames between fragments) works. The direct path's framing is Switchboard's own; the pipeline path
/// must give a client the same answers.
/// </summary>
public abstract class FramingTests(WayIn wayIn) : WayInTests(wayIn)
{
    public sealed class Direct() : FramingTests(WayIn.Direct);

    public sealed class Pipeline() : FramingTests(WayIn.Pipeline);

    private static readonly byte[] _ping = Encoding.UTF8.GetBytes("""{"type":"ping"}""");

    public static TheoryData<string, byte[]> ForbiddenFrames => new()
    {
        { "unmasked", RawWebSocket.Frame(RawWebSocket.Text, _ping, masked: false) },
        { "reserved bit", RawWebSocket.Frame(RawWebSocket.Text, _ping, reservedBits: 0b100) },
        { "unknown opcode", RawWebSocket.Frame(0x3, _ping) },
        { "fragmented ping", RawWebSocket.Frame(RawWebSocket.Ping, [1, 2], fin: false) },
        { "ping over 125 bytes", RawWebSocket.Frame(RawWebSocket.Ping, new byte[126]) },
        { "continuation without a message", RawWebSocket.Frame(RawWebSocket.Continuation, _ping) },
        { "message inside a fragmented one", [.. RawWebSocket.Frame(RawWebSocket.Text, _ping.AsSpan(0, 4), fin: false), .. RawWebSocket.Frame(RawWebSocket.Text, _ping)] },
        { "one-byte close", RawWebSocket.Frame(RawWebSocket.Close, [3]) },
        { "close code 1005", RawWebSocket.Frame(RawWebSocket.Close, [0x03, 0xED]) },
    };

    [Theory]
    [MemberData(nameof(ForbiddenFrames))]
    public async Task Frame_ForbiddenToClients_ClosesWith1002AndOthersKeepRelaying(string what, byte[] frame)
    {
        await using var server = await StartServerAsync();
        await using var pair = await RelayingPair.StartAsync(server);
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);

        await raw.SendBytesAsync(frame);

        Assert.True(1002 == await raw.ReadUntilCloseAsync(), what);
        Assert.True(await raw.ServerClosedTcpAsync());
        await raw.DisposeAsync();
        await Retry.UntilAsync("the connection is gone", () => server.Stats.Connections == 2);
        await pair.AssertStillRelayingAsync();
    }

    [Fact]
    public async Task Frame_ClientPing_GetsPongWithTheSamePayload()
    {
        await using var server = await StartServerAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);

        await raw.SendFrameAsync(RawWebSocket.Ping, "are you there?"u8.ToArray());

        var (opcode, payload) = await raw.ReadFrameAsync();
        Assert.Equal(RawWebSocket.Pong, opcode);
        Assert.Equal("are you there?", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task Frame_ClientCloses_ServerAnswersWithItsStatusAndEndsTcp()
    {
        await using var server = await StartServerAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);

        await raw.SendFrameAsync(RawWebSocket.Close, (byte[])[0x0F, 0xA0, .. "bye"u8]);

        Assert.Equal(4000, await raw.ReadUntilCloseAsync());
        Assert.True(await raw.ServerClosedTcpAsync());
        await Retry.UntilAsync("the connection is gone", () => server.Stats.Connections == 0);
    }

    [Fact]
    public async Task Frame_SeveralMessagesInOneWrite_AreAllAnsweredInOrder()
    {
        await using var server = await StartServerAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        var create = Encoding.UTF8.GetBytes("""{"type":"createRoom"}""");

        await raw.SendBytesAsync((byte[])[
            .. RawWebSocket.Frame(RawWebSocket.Text, _ping),
            .. RawWebSocket.Frame(RawWebSocket.Text, create),
            .. RawWebSocket.Frame(RawWebSocket.Ping, [7]),
            .. RawWebSocket.Frame(RawWebSocket.Text, _ping)]);

        Assert.Contains("\"pong\"", await ReadTextAsync(raw));
        Assert.Contains("\"roomCreated\"", await ReadTextAsync(raw));
        Assert.Equal(RawWebSocket.Pong, (await raw.ReadFrameAsync()).Opcode);
        Assert.Contains("\"pong\"", await ReadTextAsync(raw));
    }

    [Fact]
    public async Task Frame_ArrivingOneByteAtATime_IsUnderstood()
    {
        await using var server = await StartServerAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        var frame = RawWebSocket.Frame(RawWebSocket.Text, _ping);

        foreach (var b in frame)
        {
            await raw.SendBytesAsync(new[] { b });
        }

        Assert.Contains("\"pong\"", await ReadTextAsync(raw));
    }

    [Fact]
    public async Task Frame_FragmentedMessageWithPingBetweenFragments_IsDeliveredWhole()
    {
        await using var server = await StartServerAsync();
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);

        await raw.SendFrameAsync(RawWebSocket.Text, _ping.AsMemory(0, 5), fin: false);
        await raw.SendFrameAsync(RawWebSocket.Ping, new byte[] { 1 });
        await raw.SendFrameAsync(RawWebSocket.Continuation, _ping.AsMemory(5, 5), fin: false);
        await raw.SendFrameAsync(RawWebSocket.Continuation, _ping.AsMemory(10));

        Assert.Equal(RawWebSocket.Pong, (await raw.ReadFrameAsync()).Opcode);
        Assert.Contains("\"pong\"", await ReadTextAsync(raw));
    }

    [Fact]
    public async Task Frame_LargeMessageWithSixtyFourBitLength_IsRelayedIntact()
    {
        await using var server = await StartServerAsync(o => o.MaxMessageSize = 200_000);
        await using var pair = await RelayingPair.StartAsync(server);
        var payload = new string('x', 150_000);

        await pair.A.SendTextAsync($$"""{"type":"candidate","roomId":"{{pair.RoomId}}","payload":"{{payload}}"}""");

        var relayed = await pair.B.ReceiveAsync();
        Assert.Equal(payload, (string?)relayed["payload"]);
    }

    private static async Task<string> ReadTextAsync(RawWebSocket raw)
    {
        var (opcode, payload) = await raw.ReadFrameAsync();
        Assert.Equal(RawWebSocket.Text, opcode);
        return Encoding.UTF8.GetString(payload);
    }

    [Fact]
    public async Task Frame_ServerCloseUnanswered_ConnectionIsDroppedAfterCloseTimeout()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.CloseTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxMessageSize = 1000;
        });
        await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
        var tooBig = new byte[1001];

        await raw.SendFrameAsync(RawWebSocket.Text, tooBig);

        Assert.Equal(1009, await raw.ReadUntilCloseAsync());
        await Retry.UntilAsync("the connection is dropped without the client's close", () => server.Stats.Connections == 0);
    }

    /// <summary>
    /// Mutation fuzzing over real sockets: valid frame streams with bytes flipped, inserted, removed or
    /// cut off, written in random pieces. Whatever arrives, the server answers or closes, never hangs on
    /// a connection that has finished sending, never crashes, and leaves nothing behind.
    /// </summary>
    [Fact]
    public async Task Frame_FourHundredMutatedStreams_ServerEndsEveryConnectionAndKeepsRelaying()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.MaxMessageSize = 4096;
            // 400 connections from one address in a moment: the connect rate per address (a burst of 128)
            // would refuse most of them, and this test is about what the framing code does with each.
            o.ConnectionLimits.NewPerSecond = 100_000;
            o.ConnectionLimits.NewBurst = 100_000;

            // A stream cut off before its close frame leaves a seat for a moment: the end is reached through its expiry.
            o.ResumeGracePeriod = TimeSpan.FromMilliseconds(100);
        });
        await using var pair = await RelayingPair.StartAsync(server);
        byte[] valid = [
            .. RawWebSocket.Frame(RawWebSocket.Text, _ping),
            .. RawWebSocket.Frame(RawWebSocket.Text, """{"type":"createRoom","capacity":4}"""u8),
            .. RawWebSocket.Frame(RawWebSocket.Text, """{"type":"candidate","roomId":"#","payload":{"candidate":"x"}}"""u8, fin: false),
            .. RawWebSocket.Frame(RawWebSocket.Ping, [9, 9]),
            .. RawWebSocket.Frame(RawWebSocket.Continuation, new byte[300]),
            .. RawWebSocket.Frame(RawWebSocket.Text, new byte[200], fin: true),
            .. RawWebSocket.Frame(RawWebSocket.Close, [0x03, 0xE8]),
        ];
        var random = new Random(6455);
        var streams = Enumerable.Range(0, 400).Select(_ => (Bytes: Mutations.Mutate(valid, random), Seed: random.Next())).ToList();
        long answered = 0;

        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (stream, _) =>
        {
            await using var raw = await RawWebSocket.ConnectAsync(server.HttpAddress);
            var pieces = new Random(stream.Seed);
            for (var at = 0; at < stream.Bytes.Length;)
            {
                var length = Math.Min(pieces.Next(1, 512), stream.Bytes.Length - at);
                await raw.SendBytesAsync(stream.Bytes.AsMemory(at, length));
                at += length;
            }

            raw.EndSending();
            if (await raw.ReadToEndAsync() > 0)
            {
                Interlocked.Increment(ref answered);
            }
        });

        await Retry.UntilAsync("every fuzzed connection is gone", () => server.Stats.Connections == 2);
        await Retry.UntilAsync("only the pair's room is left", () => server.Stats.Rooms == 1);
        await pair.AssertStillRelayingAsync();
        Assert.InRange(answered, 100, streams.Count);
    }
}
