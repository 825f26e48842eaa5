using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>
/// <c>/metrics</c> as Prometheus scrapes it from a real server process: after scripted traffic every
/// Switchboard counter has exactly the value the traffic implies, on either way in. The clients are raw,
/// so every byte on the wire is known.
/// </summary>
public sealed partial class MetricsScrapeTests
{
    [Theory]
    [InlineData("direct")]
    [InlineData("pipeline")]
    public async Task Scrape_AfterScriptedTraffic_ShowsExactCounts(string transport)
    {
        await using var server = await SwitchboardProcess.StartAsync(
            ["--port", "0"],
            new Dictionary<string, string> { ["Switchboard__DirectWebSockets"] = transport == "direct" ? "true" : "false" });
        var uri = server.HttpAddress;
        var wire = new Wire();

        await using var a = await RawWebSocket.ConnectAsync(uri);
        await wire.SendAsync(a, """{"type":"createRoom"}""");
        var roomId = (string)(await wire.ReadJsonAsync(a))["roomId"]!;

        await using var b = await RawWebSocket.ConnectAsync(uri);
        await wire.SendAsync(b, $$"""{"type":"join","roomId":"{{roomId}}"}""");
        await wire.ReadJsonAsync(b); // joined
        await wire.ReadJsonAsync(a); // peerJoined

        await wire.SendAsync(a, $$"""{"type":"offer","roomId":"{{roomId}}","sdp":"v=0"}""");
        await wire.ReadJsonAsync(b);
        await wire.SendAsync(b, $$"""{"type":"answer","roomId":"{{roomId}}","sdp":"v=0"}""");
        await wire.ReadJsonAsync(a);

        await using var c = await RawWebSocket.ConnectAsync(uri);
        await wire.SendAsync(c, "this is not JSON");
        Assert.Equal("bad-json", (string)(await wire.ReadJsonAsync(c))["code"]!);
        await wire.SendAsync(c, """{"type":"join","roomId":"no-such-room"}""");
        Assert.Equal("room-not-found", (string)(await wire.ReadJsonAsync(c))["code"]!);

        await RefusedAsync(uri, "Sec-WebSocket-Version: 12\r\n", "426");
        await RefusedAsync(uri, "Sec-WebSocket-Key: short\r\n", "400");

        // b closes cleanly; a hears of it. c vanishes without a close frame.
        await wire.SendFrameAsync(b, RawWebSocket.Close, [0x03, 0xE8]);
        Assert.Equal(RawWebSocket.Close, (await wire.ReadFrameAsync(b)).Opcode);
        Assert.Equal("peerLeft", (string)(await wire.ReadJsonAsync(a))["type"]!);
        c.Vanish();

        using var http = new HttpClient { BaseAddress = uri };
        var expected = new Dictionary<string, long>
        {
            [$"switchboard_connections{{transport=\"{transport}\"}}"] = 1,
            [$"switchboard_connections{{transport=\"{(transport == "direct" ? "pipeline" : "direct")}\"}}"] = 0,
            ["switchboard_rooms"] = 1,
            ["switchboard_room_members"] = 1,
            ["switchboard_messages_received_total"] = 6,
            ["switchboard_messages_relayed_total"] = 2,
            ["switchboard_bytes_received_total"] = wire.BytesSent,
            ["switchboard_bytes_sent_total"] = wire.BytesRead,
            ["switchboard_errors_total{code=\"bad-json\"}"] = 1,
            ["switchboard_errors_total{code=\"room-not-found\"}"] = 1,
            ["switchboard_errors_total{code=\"room-full\"}"] = 0,
            ["switchboard_closes_total{reason=\"client\"}"] = 1,
            ["switchboard_closes_total{reason=\"client-gone\"}"] = 1,
            ["switchboard_closes_total{reason=\"keepalive\"}"] = 0,
            ["switchboard_handshakes_total{result=\"accepted\"}"] = 3,
            ["switchboard_handshakes_total{result=\"unsupported-version\"}"] = 1,
            ["switchboard_handshakes_total{result=\"bad-request\"}"] = 1,
            ["switchboard_handshakes_total{result=\"draining\"}"] = 0,
        };

        Dictionary<string, long> scraped = [];
        await Retry.UntilAsync(
            "every counter shows the scripted traffic",
            async () =>
            {
                scraped = Parse(await http.GetStringAsync("/metrics"));
                return expected.All(e => scraped.TryGetValue(e.Key, out var value) && value == e.Value);
            },
            TimeSpan.FromMilliseconds(200));

        foreach (var (name, value) in expected)
        {
            Assert.True(scraped.TryGetValue(name, out var actual) && actual == value, $"{name}: expected {value}, scraped {(scraped.TryGetValue(name, out var v) ? v : "nothing")}");
        }

        var page = await http.GetStringAsync("/metrics");
        Assert.Contains("dotnet_gc_collections_total", page, StringComparison.Ordinal);
        Assert.Contains("kestrel_active_connections", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsUrls_Set_ServesMetricsOnlyThere()
    {
        var metricsPort = FreePort.Next();
        await using var server = await SwitchboardProcess.StartAsync(
            ["--port", "0"],
            new Dictionary<string, string> { ["Switchboard__Metrics__Urls__0"] = $"http://127.0.0.1:{metricsPort}" });
        using var http = new HttpClient();

        var onPublic = await http.GetAsync(new Uri(server.HttpAddress, "/metrics")).DefaultTimeout();
        var onPrivate = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics")).DefaultTimeout();

        Assert.NotEqual(System.Net.HttpStatusCode.OK, onPublic.StatusCode);
        Assert.Contains("switchboard_connections", onPrivate, StringComparison.Ordinal);
    }

    private static async Task RefusedAsync(Uri uri, string header, string status)
    {
        await using var socket = await RawWebSocket.OpenAsync(uri);
        var request = RawWebSocket.UpgradeRequest(uri);
        var name = header[..header.IndexOf(':', StringComparison.Ordinal)];
        request = Regex.Replace(request, $"{name}: [^\r]*\r\n", header);
        await socket.SendRawAsync(request);
        Assert.StartsWith($"HTTP/1.1 {status}", await socket.ReadResponseHeadAsync(), StringComparison.Ordinal);
    }

    /// <summary>Metric lines by name and labels, without the exporter's scope label.</summary>
    private static Dictionary<string, long> Parse(string text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var match = MetricLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var labels = match.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => !l.StartsWith("otel_scope", StringComparison.Ordinal)).ToArray();
            var key = match.Groups["name"].Value + (labels.Length > 0 ? "{" + string.Join(',', labels) + "}" : string.Empty);
            values[key] = (long)double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return values;
    }

    [GeneratedRegex(@"^(?<name>switchboard_[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+)")]
    private static partial Regex MetricLine();

    /// <summary>Counts every byte that crosses the wire after the handshakes, as the server should.</summary>
    private sealed class Wire
    {
        public long BytesSent { get; private set; }

        public long BytesRead { get; private set; }

        public async Task SendAsync(RawWebSocket socket, string text) => await SendFrameAsync(socket, RawWebSocket.Text, Encoding.UTF8.GetBytes(text));

        public async Task SendFrameAsync(RawWebSocket socket, byte opcode, byte[] payload)
        {
            var frame = RawWebSocket.Frame(opcode, payload);
            BytesSent += frame.Length;
            await socket.SendBytesAsync(frame);
        }

        public async Task<(byte Opcode, byte[] Payload)> ReadFrameAsync(RawWebSocket socket)
        {
            var frame = await socket.ReadFrameAsync().DefaultTimeout();
            BytesRead += frame.Payload.Length + (frame.Payload.Length < 126 ? 2 : 4);
            return frame;
        }

        public async Task<JsonObject> ReadJsonAsync(RawWebSocket socket)
        {
            var (opcode, payload) = await ReadFrameAsync(socket);
            Assert.Equal(RawWebSocket.Text, opcode);
            return JsonNode.Parse(payload)!.AsObject();
        }
    }
}
