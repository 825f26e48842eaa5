using System.Security.Cryptography;
using System.Text;
using Switchboard.LoadTest.Net;
using Switchboard.LoadTest.Targets;

namespace Switchboard.LoadTest.Dialects;

/// <summary>
/// peerjs-server's protocol (spec/PEERJS.md): each client registers an id on <c>/peerjs?key&amp;id&amp;token</c>
/// and is answered <c>OPEN</c>; messages name their recipient in <c>dst</c>. There are no rooms, so a
/// "pair" is two registered ids, and setup is registering both and relaying the first offer.
/// </summary>
internal sealed class PeerJsDialect : ILoadDialect
{
    private static readonly byte[] _heartbeat = """{"type":"HEARTBEAT"}"""u8.ToArray();

    // Ids must be unique across the worker processes of one run, hence the random run prefix.
    private static readonly string _runPrefix = "lt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private static long _nextId;

    private readonly Uri _endpoint;

    public PeerJsDialect(Uri target)
    {
        // A bare server address means the standalone server's default endpoint.
        _endpoint = target.AbsolutePath is "/" or "" ? new Uri(target, "/peerjs") : target;
    }

    public ServerKind Kind => ServerKind.PeerJs;

    public int MaxRoomSize => 2;

    /// <summary>The PeerJS client's heartbeat: the server drops a client that is silent for <c>alive_timeout</c> (60 s).</summary>
    public (ReadOnlyMemory<byte> Message, TimeSpan Interval)? Heartbeat => (_heartbeat, TimeSpan.FromSeconds(5));

    public async Task<ClientPair> PairAsync(ClientConnector connector, SetupMessages messages, CancellationToken cancellationToken)
    {
        var firstId = NewId();
        var secondId = NewId();
        var (first, second) = await DialectHelpers.ConnectTwoAsync(connector, UriFor(firstId), UriFor(secondId), cancellationToken);
        first.PeerId = firstId;
        second.PeerId = secondId;
        try
        {
            await Task.WhenAll(
                DialectHelpers.WaitForAsync(first, "OPEN", cancellationToken),
                DialectHelpers.WaitForAsync(second, "OPEN", cancellationToken));

            // The first offer of a data connection, as peerjs 1.5 sends it.
            var offer = $$$"""{"type":"OFFER","dst":"{{{secondId}}}","payload":{"sdp":{"type":"offer","sdp":"{{{messages.Sdp}}}"},"type":"data","connectionId":"dc_{{{firstId}}}","label":"dc_{{{firstId}}}","reliable":true,"serialization":"binary"}}""";
            await first.SendAsync(Encoding.UTF8.GetBytes(offer), cancellationToken);
            await DialectHelpers.WaitForAsync(second, "OFFER", cancellationToken);
            return new ClientPair(first, second, RoomId: null);
        }
        catch
        {
            DialectHelpers.AbortAll([first, second]);
            throw;
        }
    }

    public Task<ClientGroup> GroupAsync(ClientConnector connector, int size, CancellationToken cancellationToken) =>
        throw new SetupException("peerjs-server has no rooms: fan-out is measured on Switchboard only");

    public RelayTemplate RelayTemplate(ClientPair pair, LoadClient from, int size)
    {
        var to = ReferenceEquals(from, pair.First) ? pair.Second : pair.First;
        return Dialects.RelayTemplate.Create(
            $$"""{"type":"CANDIDATE","dst":"{{to.PeerId}}","payload":""",
            "}",
            size,
            candidate => $$"""{"candidate":{"candidate":"{{candidate}}","sdpMid":"0","sdpMLineIndex":0},"type":"data","connectionId":"dc_{{from.PeerId}}""" + "\"");
    }

    public RelayTemplate BroadcastTemplate(ClientGroup group, int size) =>
        throw new SetupException("peerjs-server has no rooms: fan-out is measured on Switchboard only");

    private static string NewId() => _runPrefix + "x" + Interlocked.Increment(ref _nextId).ToString("x");

    private Uri UriFor(string id)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        return new UriBuilder(_endpoint) { Query = $"key=peerjs&id={id}&token={token}&version=1.5.5" }.Uri;
    }
}
