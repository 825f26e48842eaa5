using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>Two clients in a room of their own: proof, between misbehaviours elsewhere, that others are untouched.</summary>
internal sealed class RelayingPair : IAsyncDisposable
{
    private int _sequence;

    private RelayingPair(TestClient a, TestClient b, string roomId)
    {
        A = a;
        B = b;
        RoomId = roomId;
    }

    public TestClient A { get; }

    public TestClient B { get; }

    public string RoomId { get; }

    public static Task<RelayingPair> StartAsync(TestServer server) => StartAsync(server.ConnectAsync(), server.ConnectAsync());

    /// <summary>A pair connecting from <paramref name="source"/> (another 127.0.0.x): the legitimate client beside an attacker.</summary>
    public static Task<RelayingPair> StartFromAsync(TestServer server, System.Net.IPAddress source) =>
        StartAsync(TestClient.ConnectFromAsync(source, server.WebSocketAddress), TestClient.ConnectFromAsync(source, server.WebSocketAddress));

    private static async Task<RelayingPair> StartAsync(Task<TestClient> connectA, Task<TestClient> connectB)
    {
        var a = await connectA;
        var b = await connectB;
        var (roomId, _) = await a.CreateRoomAsync();
        await b.JoinAsync(roomId);
        await a.ExpectAsync("peerJoined");
        return new RelayingPair(a, b, roomId);
    }

    /// <summary>One message each way; fails if either is lost, reordered or late.</summary>
    public async Task AssertStillRelayingAsync()
    {
        var n = Interlocked.Increment(ref _sequence);
        await A.SendAsync(new { type = "candidate", roomId = RoomId, payload = n });
        await B.SendAsync(new { type = "candidate", roomId = RoomId, payload = -n });
        Assert.Equal(n, (int)(await B.ExpectAsync("candidate"))["payload"]!);
        Assert.Equal(-n, (int)(await A.ExpectAsync("candidate"))["payload"]!);
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
