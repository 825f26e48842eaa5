using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Testing;
using Xunit.Abstractions;

namespace Switchboard.IntegrationTests.Robustness;

/// <summary>
/// ROBUSTNESS.md C, loads 2 (churn) in the size of a test, and the suite's pass criterion "no resources
/// leak": ten thousand connect/join/close cycles from a crowd of loopback addresses, each joining one
/// of eight long-lived rooms or creating a room of its own, relaying into it, and closing cleanly or
/// vanishing. Afterwards rooms, memberships and connections are back to the eight owners', and the GC
/// heap (the server runs in this process, measured after a full blocking collection) is back to within
/// <see cref="AllowedGrowthBytes"/> of where it was after a warm-up of the same cycles.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))]
public abstract class ConnectionCycleTests(WayIn wayIn, ITestOutputHelper output) : WayInTests(wayIn)
{
    public sealed class Direct(ITestOutputHelper output) : ConnectionCycleTests(WayIn.Direct, output);

    public sealed class Pipeline(ITestOutputHelper output) : ConnectionCycleTests(WayIn.Pipeline, output);

    private const int Cycles = 10_000;
    private const int WarmUpCycles = 1_000;
    private const int Concurrency = 16;
    private const int Owners = 8;

    /// <summary>
    /// 4 MB over 10 000 cycles: 400 bytes a cycle. Anything a cycle leaves behind for good is more than
    /// that: an idle direct connection alone is about 2.5 kB (a pipeline one about 14 kB), a room with its
    /// member array and ids several hundred bytes, so a leak of either per cycle breaks this bound 6 to 35
    /// times over. What may legitimately stay is bounded by concurrency, not by cycles: pooled buffers and
    /// Kestrel's memory pool for 16 connections at once.
    /// </summary>
    private const long AllowedGrowthBytes = 4 * 1024 * 1024;

    [Fact]
    public async Task Cycles_TenThousandConnectJoinRelayClose_RoomsPeersAndHeapBackToBaseline()
    {
        // The owners only listen; keep-alive would drop them as silent before the run is over.
        await using var server = await StartServerAsync(o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMinutes(5);
            o.KeepAliveTimeout = TimeSpan.FromMinutes(5);

            // Half the cycles vanish: their seats wait a moment, and must be gone, heap included, once it is over.
            // The owners' rooms have space for the seats still waiting besides the live joiners.
            o.ResumeGracePeriod = TimeSpan.FromMilliseconds(100);
            o.MaxRoomCapacity = 256;
        });
        using var sources = new LoopbackSources(250);
        using var stop = new CancellationTokenSource();
        var owners = new List<RawWebSocket>();
        var rooms = new List<string>();
        var draining = new List<Task>();
        for (var i = 0; i < Owners; i++)
        {
            var owner = await RawWebSocket.ConnectAsync(server.HttpAddress);
            await owner.SendTextAsync("""{"type":"createRoom","capacity":256}""");
            rooms.Add((string)JsonNode.Parse((await owner.ReadFrameAsync().DefaultTimeout()).Payload)!["roomId"]!);
            owners.Add(owner);
            draining.Add(DrainAsync(owner, stop.Token));
        }

        await RunCyclesAsync(WarmUpCycles);
        await WaitForOwnersOnlyAsync();
        var baseline = MeasureHeap();
        var started = System.Diagnostics.Stopwatch.StartNew();

        await RunCyclesAsync(Cycles);

        var elapsed = started.Elapsed;
        await WaitForOwnersOnlyAsync();
        var after = MeasureHeap();
        output.WriteLine($"{Cycles} cycles in {elapsed.TotalSeconds:F1} s; heap {baseline / 1024} kB before, {after / 1024} kB after ({(after - baseline) / 1024:+#;-#;0} kB)");
        Assert.True(after - baseline < AllowedGrowthBytes, $"The heap grew by {(after - baseline) / 1024} kB over {Cycles} cycles.");
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"{Cycles} cycles took {elapsed}.");

        await stop.CancelAsync();
        foreach (var owner in owners)
        {
            await owner.DisposeAsync();
        }

        await Task.WhenAll(draining);

        async Task RunCyclesAsync(int count)
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
            {
                int cycle;
                while ((cycle = Interlocked.Increment(ref next)) < count)
                {
                    await CycleAsync(cycle);
                }
            }));
        }

        async Task CycleAsync(int cycle)
        {
            using var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await socket.ConnectAsync(server.WebSocketAddress, sources.Invoker, CancellationToken.None).DefaultTimeout();
            var buffer = new byte[4096];
            string roomId;
            if (cycle % 4 == 3)
            {
                await SendAsync(socket, """{"type":"createRoom"}""");
                var created = await ReceiveAsync(socket, buffer);
                Assert.Equal("roomCreated", (string)created["type"]!);
                roomId = (string)created["roomId"]!;
            }
            else
            {
                roomId = rooms[cycle % Owners];
                await SendAsync(socket, $$"""{"type":"join","roomId":"{{roomId}}"}""");
                Assert.Equal("joined", (string)(await ReceiveAsync(socket, buffer))["type"]!);
            }

            await SendAsync(socket, $$"""{"type":"candidate","roomId":"{{roomId}}","payload":{{cycle}}}""");
            if (cycle % 2 == 0)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).DefaultTimeout();
            }
            else
            {
                socket.Abort();
            }
        }

        async Task WaitForOwnersOnlyAsync() => await Retry.UntilAsync(
            "only the owners' rooms, memberships and connections are left",
            () => server.Stats.Rooms == Owners && server.Stats.Peers == Owners && server.Stats.Connections == Owners,
            TimeSpan.FromSeconds(20));
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();

    private static async Task<JsonObject> ReceiveAsync(ClientWebSocket socket, byte[] buffer)
    {
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
        return JsonNode.Parse(buffer.AsSpan(0, result.Count))!.AsObject();
    }

    /// <summary>Reads and discards what an owner is sent (peerJoined, candidates, peerLeft), so nothing queues up for it.</summary>
    private static async Task DrainAsync(RawWebSocket owner, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await owner.ReadSomeAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The test is over.
        }
    }

    private static long MeasureHeap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
