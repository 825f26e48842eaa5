using System.Buffers.Binary;
using System.Globalization;
using Switchboard.Testing;
using Xunit.Abstractions;

namespace Switchboard.IntegrationTests;

/// <summary>
/// What a client that means harm can make the server hold (issue 9), measured on the real host as an
/// operator runs it, with the GC heap capped at 256 MB as .NET caps it inside a container of about 340 MB.
/// Memory is read from /proc/PID/status of the server process, sampled throughout each attack.
/// </summary>
/// <remarks>
/// The bounds come from what the server needs to hold, not from what it happens to hold today:
/// <list type="bullet">
/// <item>An idle direct connection costs about 2.6 kB (README, docs/performance.md). A frame that has not
/// completely arrived needs only the bytes that did arrive (here 15), so a connection holding one should
/// cost about what an idle one does: 3 kB each. On top, 32 MB for everything that is not per connection
/// and is allowed to move between two readings (a GC region or two, thread stacks, the pool's per-thread
/// arrays).</item>
/// <item>A flood of pings needs nothing that grows with the flood: a pong the client has not taken is
/// either coalesced (RFC 6455 §5.5.3: answering only the latest ping is enough) or counted against the
/// send queue's byte limit (SendQueueByteLimit, 1 MB), and a client that does not take its pongs is
/// dropped like any slow consumer. So 32 MB, the same allowance for what is not per connection.</item>
/// </list>
/// Resident memory (VmRSS) is not enough: a pooled array that is rented but never written costs the GC
/// its whole size against the heap limit while only its first page is resident. So committed memory
/// (VmData) is bounded too, by the same amount plus 32 MB, for the GC committing its allocation budget
/// ahead of use. And the server must never log an OutOfMemoryException: under the heap limit, the one
/// that is logged is the lucky one, the next may kill the process.
/// A server that reserves an incomplete frame's announced size, or queues pongs without a limit, breaks
/// these bounds several times over (issue 9: +200 to +260 MB for 2 000 clients, ~50 MB/s per flooding client).
/// </remarks>
public abstract class HostileClientMemoryTests(WayIn wayIn, ITestOutputHelper output)
{
    public sealed class Direct(ITestOutputHelper output) : HostileClientMemoryTests(WayIn.Direct, output);

    public sealed class Pipeline(ITestOutputHelper output) : HostileClientMemoryTests(WayIn.Pipeline, output);

    /// <summary>256 MB, as <c>DOTNET_GCHeapHardLimit</c> takes it.</summary>
    private const string GcHeapHardLimit = "0x10000000";

    private const long KilobytesPerMegabyte = 1024;

    /// <summary>What may move between two readings whatever the attack: see the class remarks.</summary>
    private const long SlackKilobytes = 32 * KilobytesPerMegabyte;

    /// <summary>How far committed memory may run ahead of resident memory: see the class remarks.</summary>
    private const long CommitAheadKilobytes = 32 * KilobytesPerMegabyte;

    /// <summary>
    /// An idle connection's cost, rounded up: see the class remarks. Through the HTTP pipeline Kestrel keeps
    /// its connection, pipes and HttpContext per client (about 19 kB resident, docs/performance.md), so
    /// 24 kB there.
    /// </summary>
    private long KilobytesPerHeldConnection => wayIn == WayIn.Direct ? 3 : 24;

    /// <summary>
    /// What a held connection may add to committed memory. On the direct path the same as resident. Through
    /// the pipeline the GC commits far ahead of what Kestrel's per-connection objects occupy: 2 000 idle
    /// pipeline connections committed +115 to +119 MB, with this transport and with the one before it
    /// (where the attack's frames held 4 kB each), so 64 kB a connection there.
    /// </summary>
    /// <summary>
    /// What a pipeline connection that is not read from may park besides its own cost: Kestrel's input
    /// (64 kB), the turn waiting in the connection (64 kB) and the output Kestrel has not sent (64 kB).
    /// </summary>
    private const long PausedPipelineKilobytes = 192;

    /// <summary>What a direct connection whose input waits for its turn may hold: the rest of one read.</summary>
    private const long WaitingTurnKilobytes = 64;

    private long CommittedKilobytesPerHeldConnection => wayIn == WayIn.Direct ? KilobytesPerHeldConnection : 64;

    /// <summary>The largest payload a ping may carry (RFC 6455 §5.5): the most pong per byte sent.</summary>
    private const int PingPayloadLength = 125;

    [Fact]
    public async Task IncompleteFrames_TwoThousandClientsEachHoldingA64KbFrame_MemoryStaysBoundedAndServerStaysUp()
    {
        const int Clients = 2000;
        const int ConnectBatch = 100;
        var allowedGrowth = (KilobytesPerHeldConnection * Clients) + SlackKilobytes;

        await using var host = await StartHostAsync();
        var baseline = await WarmUpAsync(host);
        var frame = IncompleteTextFrame(announcedLength: 64 * 1024);
        var held = new List<RawWebSocket>(Clients);
        await using var sampler = new ProcessMemorySampler(host);
        try
        {
            var connectFailure = await ConnectAndHoldAsync(host, held, Clients, ConnectBatch, frame);
            var settled = await sampler.SettleAsync(TimeSpan.FromSeconds(2), toleranceKilobytes: KilobytesPerMegabyte, TimeSpan.FromSeconds(15));
            Report(
                $"{held.Count} of {Clients} clients hold a {frame.Length}-byte start of a 64 kB frame{(settled ? string.Empty : " (memory still moving after 15 s)")}",
                baseline,
                sampler);

            var during = $"while {held.Count} clients each held an incomplete 64 kB frame";
            AssertAlive(host, during);
            Assert.True(connectFailure is null, $"Only {held.Count} of {Clients} clients could connect and send: {connectFailure}");
            await AssertStillRelaysAsync(host, during);
            AssertNoOutOfMemory(host, during);
            AssertGrowthWithin(
                baseline,
                sampler,
                allowedGrowth,
                $"for {Clients} clients holding an incomplete frame",
                $"{KilobytesPerHeldConnection} kB a connection + {Megabytes(SlackKilobytes)}",
                (CommittedKilobytesPerHeldConnection * Clients) + SlackKilobytes);
        }
        finally
        {
            foreach (var socket in held)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task PingFlood_ClientThatNeverReads_MemoryStaysBounded()
    {
        var flood = TimeSpan.FromSeconds(8);

        // The default SendTimeout (10 s) is longer than the flood: nothing but the flood's own cost decides.
        await using var host = await StartHostAsync();
        var baseline = await WarmUpAsync(host);
        await using var sampler = new ProcessMemorySampler(host);
        await using var flooder = await RawWebSocket.ConnectAsync(host.HttpAddress);

        var result = await flooder.FloodAsync(PingBatch(), flood);
        Report($"{result.BytesWritten / PingFrameLength:N0} pings in {result.Elapsed.TotalSeconds:F1} s, never read, {(result.Dropped ? "dropped by the server" : "still connected")}", baseline, sampler);

        const string During = "during a flood of pings from a client that never reads";
        AssertAlive(host, During);
        await AssertStillRelaysAsync(host, During);
        AssertNoOutOfMemory(host, During);
        AssertGrowthWithin(baseline, sampler, SlackKilobytes, $"during {flood.TotalSeconds} s of pings from a client that never reads", "nothing grows with the flood");
    }

    [Fact]
    public async Task PingFlood_TwoHundredClientsThatNeverRead_MemoryStaysBounded()
    {
        // Each flooder is soon not read from (its pongs back up). What it sent meanwhile waits where TCP
        // keeps it: the kernel on the direct path; through the pipeline, Kestrel's buffers too, which
        // Switchboard caps at 64 kB per connection (KestrelBufferLimits) instead of Kestrel's 1 MiB.
        const int Clients = 200;
        var flood = TimeSpan.FromSeconds(4);
        // A direct connection parks the rest of its last read while it waits for its turn (up to 64 kB, from
        // the partial-message budget); a pipeline one parks Kestrel's buffers besides.
        var perClient = wayIn == WayIn.Direct ? KilobytesPerHeldConnection + WaitingTurnKilobytes : KilobytesPerHeldConnection + PausedPipelineKilobytes;

        // Through the pipeline every read goes through Kestrel's streams, which allocate: with 200 clients
        // flooding, the GC's allocation budget adds up to 40-60 MB resident (measured), and commits well
        // ahead of it. Kestrel's own default (1 MiB parked per connection not read from, 200 MB here) would
        // still break both bounds.
        // On the direct path the flood usually moves resident memory by 13-23 MB; once in a few full suite
        // runs (a cold server while other test classes ran beside it) the GC let 63 MB of garbage build up
        // before collecting. Twice the slack is still far below what the server before issue 9
        // let this flood hold: up to 200 queues of pongs of 1 MiB each.
        var slack = wayIn == WayIn.Direct ? 2 * SlackKilobytes : 3 * SlackKilobytes;
        var allowedGrowth = (perClient * Clients) + slack;
        var committedGrowth = wayIn == WayIn.Direct ? allowedGrowth : (512 * Clients) + slack;

        await using var host = await StartHostAsync();
        var baseline = await WarmUpAsync(host);
        await using var sampler = new ProcessMemorySampler(host);
        var flooders = new List<RawWebSocket>(Clients);
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                flooders.Add(await RawWebSocket.ConnectAsync(host.HttpAddress));
            }

            var batch = PingBatch();
            var results = await Task.WhenAll(flooders.Select(f => f.FloodAsync(batch, flood)));
            Report($"{Clients} clients flooded {results.Sum(r => r.BytesWritten) / PingFrameLength:N0} pings in {flood.TotalSeconds} s, never reading", baseline, sampler);

            const string During = "while 200 clients flooded pings without reading";
            AssertAlive(host, During);
            await AssertStillRelaysAsync(host, During);
            AssertNoOutOfMemory(host, During);
            AssertGrowthWithin(baseline, sampler, allowedGrowth, $"during {flood.TotalSeconds} s of pings from {Clients} clients that never read", $"{perClient} kB a connection + {Megabytes(slack)}", committedGrowth);
        }
        finally
        {
            foreach (var flooder in flooders)
            {
                await flooder.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task PingFlood_ClientThatReadsATrickle_IsDroppedAndMemoryStaysBounded()
    {
        // SendTimeout 2 s and CloseTimeout 2 s: a client that takes 16 bytes a second of what it asked for
        // is not keeping up, whatever the socket's writability says now and then. Dropping it may take
        // the send timeout, a close that cannot be delivered, and a sweeper period or two: 15 s is ample.
        var cutoff = TimeSpan.FromSeconds(15);
        const int TrickleBytes = 16;

        // One frame per turn: every ping gets its pong, as before pongs were coalesced per turn. Otherwise the
        // pongs are so few that on a busy machine the flood needs longer than the cutoff to fill the socket
        // buffers at all, and the server is never behind this client.
        await using var host = await StartHostAsync(new Dictionary<string, string>
        {
            ["Switchboard__SendTimeout"] = "00:00:02",
            ["Switchboard__CloseTimeout"] = "00:00:02",
            ["Switchboard__FramesPerTurn"] = "1",
        });
        var baseline = await WarmUpAsync(host);
        await using var sampler = new ProcessMemorySampler(host);
        await using var flooder = await RawWebSocket.ConnectAsync(host.HttpAddress);

        using var stopReading = new CancellationTokenSource();
        using var readEnds = new CancellationTokenSource();
        var reading = ReadTrickleAsync(flooder, TrickleBytes, readEnds, stopReading.Token);
        var result = await flooder.FloodAsync(PingBatch(), cutoff, readEnds.Token);
        await stopReading.CancelAsync();
        var (bytesRead, readEnded) = await reading;
        var dropped = result.Dropped || readEnded;
        Report(
            $"{result.BytesWritten / PingFrameLength:N0} pings in {result.Elapsed.TotalSeconds:F1} s, {bytesRead} bytes read {TrickleBytes} a second, " +
            (dropped ? $"dropped by the server after {result.Elapsed.TotalSeconds:F1} s" : $"still connected after {cutoff.TotalSeconds} s"),
            baseline,
            sampler);

        const string During = "during a flood of pings from a client that reads a trickle";
        AssertAlive(host, During);
        await AssertStillRelaysAsync(host, During);
        AssertNoOutOfMemory(host, During);
        Assert.True(dropped, $"A client flooding pings and reading {TrickleBytes} bytes a second was still connected after {cutoff.TotalSeconds} s with SendTimeout 2 s.");
        AssertGrowthWithin(baseline, sampler, SlackKilobytes, "during a ping flood from a client that reads a trickle", "nothing grows with the flood");
    }

    private static int PingFrameLength => 6 + PingPayloadLength;

    /// <summary>64 masked pings of 125 bytes back to back: one write's worth of flood.</summary>
    private static byte[] PingBatch()
    {
        var ping = RawWebSocket.Frame(RawWebSocket.Ping, new byte[PingPayloadLength]);
        return [.. Enumerable.Repeat(ping, 64).SelectMany(frame => frame)];
    }

    /// <summary>
    /// A masked text frame announcing <paramref name="announcedLength"/> bytes (64-bit length form), and the
    /// first byte of its payload: 14 header bytes + 1. The rest never comes.
    /// </summary>
    private static byte[] IncompleteTextFrame(int announcedLength)
    {
        var frame = new byte[15];
        frame[0] = 0x80 | RawWebSocket.Text;
        frame[1] = 0x80 | 127;
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)announcedLength);
        frame[10] = 0x12;
        frame[11] = 0x34;
        frame[12] = 0x56;
        frame[13] = 0x78;
        frame[14] = (byte)'{' ^ 0x12;
        return frame;
    }

    /// <summary>Connects <paramref name="count"/> clients that each send <paramref name="frame"/> and hold; returns why it stopped early, if it did.</summary>
    private static async Task<Exception?> ConnectAndHoldAsync(SwitchboardProcess host, List<RawWebSocket> held, int count, int batch, byte[] frame)
    {
        for (var start = 0; start < count; start += batch)
        {
            var connecting = Enumerable.Range(0, Math.Min(batch, count - start)).Select(_ => ConnectOneAsync()).ToList();
            try
            {
                await Task.WhenAll(connecting);
            }
            catch (Exception ex)
            {
                held.AddRange(connecting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
                return ex;
            }

            held.AddRange(connecting.Select(t => t.Result));
        }

        return null;

        async Task<RawWebSocket> ConnectOneAsync()
        {
            var socket = await RawWebSocket.ConnectAsync(host.HttpAddress);
            try
            {
                await socket.SendBytesAsync(frame);
                return socket;
            }
            catch
            {
                await socket.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// Reads at most <paramref name="bytes"/> a second until stopped; how much arrived, and whether the
    /// server ended the connection (which also cancels <paramref name="ended"/>, to stop the flood).
    /// </summary>
    private static async Task<(long BytesRead, bool Ended)> ReadTrickleAsync(RawWebSocket socket, int bytes, CancellationTokenSource ended, CancellationToken stop)
    {
        long total = 0;
        try
        {
            while (true)
            {
                var count = await socket.ReadSomeAsync(bytes, stop);
                if (count == 0)
                {
                    await ended.CancelAsync();
                    return (total, true);
                }

                total += count;
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            return (total, false);
        }
    }

    private Task<SwitchboardProcess> StartHostAsync(Dictionary<string, string>? options = null)
    {
        var environment = new Dictionary<string, string>(options ?? [])
        {
            ["DOTNET_GCHeapHardLimit"] = GcHeapHardLimit,
            ["Switchboard__DirectWebSockets"] = wayIn == WayIn.Direct ? "true" : "false",
            // Up to 2000 hostile clients from one address, opened as fast as the machine can: what is measured
            // here is the memory each costs once admitted, so the per-address limits (256 open, 32 new a second)
            // that would refuse most of them are off. ConnectionLimitTests holds those limits.
            ["Switchboard__ConnectionLimits__PerAddress"] = "0",
            ["Switchboard__ConnectionLimits__NewPerSecond"] = "0",
        };
        return SwitchboardProcess.StartAsync(["--port", "0"], environment);
    }

    /// <summary>
    /// Runs every path the attacks use once (a relay between two clients, a raw ping answered), so their
    /// first-use cost is not counted, then waits for memory to settle: the baseline.
    /// </summary>
    private static async Task<(long Resident, long Data)> WarmUpAsync(SwitchboardProcess host)
    {
        await AssertStillRelaysAsync(host);
        await using (var raw = await RawWebSocket.ConnectAsync(host.HttpAddress))
        {
            await raw.SendFrameAsync(RawWebSocket.Ping, new byte[PingPayloadLength]);
            var (opcode, _) = await raw.ReadFrameAsync().DefaultTimeout();
            Assert.Equal(RawWebSocket.Pong, opcode);
        }

        await using var sampler = new ProcessMemorySampler(host);
        await sampler.SettleAsync(TimeSpan.FromSeconds(1), toleranceKilobytes: KilobytesPerMegabyte, TimeSpan.FromSeconds(10));
        return (host.ReadResidentKilobytes(), host.ReadStatusKilobytes("VmData"));
    }

    /// <summary>Two fresh clients create and join a room and relay a message: the server still serves. If it has died meanwhile, says so.</summary>
    private static async Task AssertStillRelaysAsync(SwitchboardProcess host, string during)
    {
        try
        {
            await AssertStillRelaysAsync(host);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            // A refused or dropped connection is most often the process going down: wait for it to be seen.
            await Retry.UntilAsync("the server exits", () => host.HasExited, TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            AssertAlive(host, during);
            throw;
        }
    }

    private static async Task AssertStillRelaysAsync(SwitchboardProcess host)
    {
        var address = new Uri($"ws://127.0.0.1:{host.Port}/ws");
        await using var a = await TestClient.ConnectAsync(address);
        await using var b = await TestClient.ConnectAsync(address);
        var (roomId, _) = await a.CreateRoomAsync();
        await b.JoinAsync(roomId);
        await a.ExpectAsync("peerJoined");
        await a.SendAsync(new { type = "candidate", roomId, payload = "still relaying" });
        Assert.Equal("still relaying", (string?)(await b.ExpectAsync("candidate"))["payload"]);
    }

    private static void AssertAlive(SwitchboardProcess host, string during)
    {
        if (!host.HasExited)
        {
            return;
        }

        var status = host.ExitCode switch
        {
            134 => "134, SIGABRT",
            139 => "139, SIGSEGV",
            var code => code.ToString(CultureInfo.InvariantCulture),
        };
        Assert.Fail($"The server died {during} (exit status {status}). Its output around the failure:\n{Excerpt(host.Output)}");
    }

    private static void AssertNoOutOfMemory(SwitchboardProcess host, string during)
    {
        var output = host.Output;
        var count = output.Split('\n').Count(line => line.Contains("OutOfMemoryException", StringComparison.Ordinal));
        Assert.True(count == 0, $"The server ran out of memory {during}: {count} log lines name an OutOfMemoryException. The first:\n{Excerpt(output, "OutOfMemoryException")}");
    }

    /// <summary>Resident growth within <paramref name="allowed"/>, committed growth within it plus what the GC may commit ahead.</summary>
    private static void AssertGrowthWithin((long Resident, long Data) baseline, ProcessMemorySampler sampler, long allowed, string attack, string why, long? committedAllowed = null)
    {
        var resident = sampler.PeakResidentKilobytes - baseline.Resident;
        var committed = sampler.PeakDataKilobytes - baseline.Data;
        var committedBound = (committedAllowed ?? allowed) + CommitAheadKilobytes;
        Assert.True(resident <= allowed, $"The server's resident memory (VmRSS) grew by {Megabytes(resident)} {attack}; allowed {Megabytes(allowed)} ({why}).");
        Assert.True(
            committed <= committedBound,
            $"The server's committed memory (VmData) grew by {Megabytes(committed)} {attack}; allowed {Megabytes(committedBound)} ({why}, + {Megabytes(CommitAheadKilobytes)} the GC may commit ahead).");
    }

    /// <summary>The first unhandled exception and the last lines: enough to see why it died, not thousands of log lines.</summary>
    private static string Excerpt(string output, string marker = "Unhandled exception")
    {
        var lines = output.Split('\n');
        var unhandled = Array.FindIndex(lines, line => line.Contains(marker, StringComparison.Ordinal));
        var head = unhandled >= 0 ? lines.Skip(unhandled).Take(20) : [];
        return string.Join('\n', head.Append("…").Concat(lines.TakeLast(15)));
    }

    private void Report(string attack, (long Resident, long Data) baseline, ProcessMemorySampler sampler)
    {
        var (resident, data) = sampler.Latest;
        output.WriteLine(
            $"{attack}: VmRSS {Megabytes(baseline.Resident)} before, peak {Megabytes(sampler.PeakResidentKilobytes)} (+{Megabytes(sampler.PeakResidentKilobytes - baseline.Resident)}), last {Megabytes(resident)}; " +
            $"VmData {Megabytes(baseline.Data)} before, peak {Megabytes(sampler.PeakDataKilobytes)} (+{Megabytes(sampler.PeakDataKilobytes - baseline.Data)}), last {Megabytes(data)}.");
    }

    private static string Megabytes(long kilobytes) => string.Create(CultureInfo.InvariantCulture, $"{kilobytes / (double)KilobytesPerMegabyte:F1} MB");
}
