using System.Buffers.Text;
using System.Text;

namespace Switchboard.LoadTest.Dialects;

/// <summary>
/// A candidate-like message of a fixed size, formatted once; each send only stamps the send time into it
/// in place, so the load generator spends its CPU on sockets rather than on JSON. The stamp travels
/// inside <c>payload</c>, which every server relays untouched, and is found again with one vectorised search.
/// </summary>
internal sealed class RelayTemplate
{
    public const int TimestampDigits = 20;

    // A real trickle-ICE candidate, padded or cut to reach the size asked for.
    private const string Candidate = "candidate:842163049 1 udp 1677729535 203.0.113.7 53241 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sbLT network-cost 999";

    private static ReadOnlySpan<byte> Marker => "\"ts\":\""u8;

    private readonly byte[] _bytes;
    private readonly int _timestampAt;

    private RelayTemplate(byte[] bytes, int timestampAt)
    {
        _bytes = bytes;
        _timestampAt = timestampAt;
    }

    public int Length => _bytes.Length;

    /// <summary>
    /// Builds a message from <paramref name="prefix"/> + payload object + <paramref name="suffix"/>, where the
    /// payload is <c>{…candidate…,"ts":"…"}</c> wrapped by <paramref name="wrapCandidate"/>, padded so the
    /// whole message is <paramref name="size"/> bytes (or as small as it can be).
    /// </summary>
    public static RelayTemplate Create(string prefix, string suffix, int size, Func<string, string> wrapCandidate)
    {
        var zeros = new string('0', TimestampDigits);
        string Build(string candidate) => prefix + wrapCandidate(candidate) + ",\"ts\":\"" + zeros + "\"}" + suffix;

        var smallest = Build("candidate:1");
        var room = Math.Max(0, size - Encoding.UTF8.GetByteCount(smallest));
        var text = Candidate.Length >= room + 11
            ? Candidate[..(room + 11)]
            : Candidate + new string('x', room + 11 - Candidate.Length);
        var bytes = Encoding.UTF8.GetBytes(Build(text));
        var at = bytes.AsSpan().LastIndexOf(Marker) + Marker.Length;
        return new RelayTemplate(bytes, at);
    }

    /// <summary>Writes <paramref name="timestamp"/> into the message and returns it; valid until the next stamp.</summary>
    public ReadOnlyMemory<byte> Stamp(long timestamp)
    {
        var digits = _bytes.AsSpan(_timestampAt, TimestampDigits);
        if (!Utf8Formatter.TryFormat(timestamp, digits, out _, new System.Buffers.StandardFormat('D', TimestampDigits)))
        {
            throw new InvalidOperationException("timestamp does not fit");
        }

        return _bytes;
    }

    /// <summary>Finds the stamp in a relayed message; false for anything else (a keep-alive, a peerJoined, …).</summary>
    public static bool TryReadTimestamp(ReadOnlySpan<byte> message, out long timestamp)
    {
        var at = message.IndexOf(Marker);
        if (at >= 0 && message.Length >= at + Marker.Length + TimestampDigits
            && Utf8Parser.TryParse(message.Slice(at + Marker.Length, TimestampDigits), out timestamp, out var consumed)
            && consumed == TimestampDigits)
        {
            return true;
        }

        timestamp = 0;
        return false;
    }
}
