using System.Text;

namespace Switchboard.LoadTest.Dialects;

/// <summary>The fake session description the joiner offers, of a realistic size (a trickle-ICE offer is a few kB).</summary>
internal sealed class SetupMessages
{
    public SetupMessages(int offerBytes)
    {
        var sdp = new StringBuilder("v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\na=group:BUNDLE 0\\r\\n");
        var line = 0;
        while (sdp.Length < offerBytes)
        {
            sdp.Append("a=rtpmap:").Append(96 + (line++ % 30)).Append(" VP8/90000\\r\\na=rtcp-fb:96 nack pli\\r\\n");
        }

        Sdp = sdp.ToString(0, Math.Max(0, offerBytes - 100));
        if (Sdp.EndsWith('\\'))
        {
            Sdp = Sdp[..^1];
        }
    }

    /// <summary>The SDP text, already escaped for a JSON string.</summary>
    public string Sdp { get; }
}
