using System.Text;

namespace Switchboard.Benchmarks;

/// <summary>The messages the per-message path sees most: trickle-ICE candidates, and the offers that start a call.</summary>
internal static class SampleMessages
{
    public const string RoomId = "Vb1kq3XwZp0cR7yTn2mQ4A";

    public static byte[] Candidate(string roomId = RoomId) => Encoding.UTF8.GetBytes(
        $$$"""{"type":"candidate","roomId":"{{{roomId}}}","payload":{"candidate":"candidate:842163049 1 udp 1677729535 203.0.113.7 53241 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sbLT network-cost 999","sdpMid":"0","sdpMLineIndex":0}}""");

    /// <summary>A candidate carrying a client-supplied <c>from</c>, which the relay must strip (the slow path).</summary>
    public static byte[] CandidateWithFrom(string roomId = RoomId) => Encoding.UTF8.GetBytes(
        $$$"""{"type":"candidate","from":"someone-else","roomId":"{{{roomId}}}","payload":{"candidate":"candidate:842163049 1 udp 1677729535 203.0.113.7 53241 typ srflx raddr 0.0.0.0 rport 0 generation 0","sdpMid":"0","sdpMLineIndex":0}}""");

    /// <summary>An offer with a ~4 kB session description, the size of a real trickle-ICE offer.</summary>
    public static byte[] Offer(string roomId = RoomId)
    {
        var sdp = new StringBuilder("v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n");
        for (var i = 0; sdp.Length < 4000; i++)
        {
            sdp.Append("a=rtpmap:").Append(96 + (i % 30)).Append(" VP8/90000\\r\\na=rtcp-fb:96 nack pli\\r\\n");
        }

        return Encoding.UTF8.GetBytes($$$"""{"type":"offer","roomId":"{{{roomId}}}","payload":{"type":"offer","sdp":"{{{sdp}}}"}}""");
    }

    public static byte[] CreateRoom() => """{"type":"createRoom"}"""u8.ToArray();
}
