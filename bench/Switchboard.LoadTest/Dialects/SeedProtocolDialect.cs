using System.Text;
using Switchboard.LoadTest.Net;
using Switchboard.LoadTest.Targets;

namespace Switchboard.LoadTest.Dialects;

/// <summary>
/// The tutorial's protocol, which Switchboard speaks too: <c>createRoom</c> → <c>roomCreated</c> (the room id
/// in <c>payload</c>), the joiner's <c>offer</c> carrying <c>roomId</c>, then relays by <c>roomId</c>.
/// Switchboard adds N-party rooms (<c>capacity</c>, <c>join</c>), used for fan-out.
/// </summary>
internal sealed class SeedProtocolDialect : ILoadDialect
{
    private readonly Uri _uri;

    public SeedProtocolDialect(ServerKind kind, Uri uri)
    {
        Kind = kind;
        _uri = uri;
    }

    public ServerKind Kind { get; }

    public int MaxRoomSize => Kind == ServerKind.Switchboard ? 16 : 2;

    public (ReadOnlyMemory<byte> Message, TimeSpan Interval)? Heartbeat => null;

    public async Task<ClientPair> PairAsync(ClientConnector connector, SetupMessages messages, CancellationToken cancellationToken)
    {
        var (creator, joiner) = await DialectHelpers.ConnectTwoAsync(connector, _uri, _uri, cancellationToken);
        try
        {
            await creator.SendAsync("""{"type":"createRoom"}"""u8.ToArray(), cancellationToken);
            var created = await DialectHelpers.WaitForAsync(creator, "roomCreated", cancellationToken);
            var roomId = MessageFields.GetString(created, "payload") ?? throw new SetupException("roomCreated without a room id");
            var offer = $$$"""{"type":"offer","roomId":"{{{roomId}}}","payload":{"type":"offer","sdp":"{{{messages.Sdp}}}"}}""";
            await joiner.SendAsync(Encoding.UTF8.GetBytes(offer), cancellationToken);
            await DialectHelpers.WaitForAsync(creator, "offer", cancellationToken);
            return new ClientPair(creator, joiner, roomId);
        }
        catch
        {
            DialectHelpers.AbortAll([creator, joiner]);
            throw;
        }
    }

    public async Task<ClientGroup> GroupAsync(ClientConnector connector, int size, CancellationToken cancellationToken)
    {
        if (size > MaxRoomSize || size < 2)
        {
            throw new SetupException($"{Kind} rooms hold 2 to {MaxRoomSize} members, not {size}");
        }

        var members = new List<LoadClient>(size);
        try
        {
            var creator = await connector.ConnectAsync(_uri, cancellationToken);
            members.Add(creator);
            await creator.SendAsync(Encoding.UTF8.GetBytes($$"""{"type":"createRoom","capacity":{{size}}}"""), cancellationToken);
            var created = await DialectHelpers.WaitForAsync(creator, "roomCreated", cancellationToken);
            var roomId = MessageFields.GetString(created, "roomId") ?? throw new SetupException("roomCreated without a room id");
            var join = Encoding.UTF8.GetBytes($$"""{"type":"join","roomId":"{{roomId}}"}""");
            var joiners = await Task.WhenAll(Enumerable.Range(1, size - 1).Select(async _ =>
            {
                var joiner = await connector.ConnectAsync(_uri, cancellationToken);
                lock (members)
                {
                    members.Add(joiner);
                }

                await joiner.SendAsync(join, cancellationToken);
                await DialectHelpers.WaitForAsync(joiner, "joined", cancellationToken);
                return joiner;
            }));

            return new ClientGroup([creator, .. joiners], roomId);
        }
        catch
        {
            DialectHelpers.AbortAll(members);
            throw;
        }
    }

    public RelayTemplate RelayTemplate(ClientPair pair, LoadClient from, int size) => Candidate(pair.RoomId!, size);

    public RelayTemplate BroadcastTemplate(ClientGroup group, int size) => Candidate(group.RoomId, size);

    private static RelayTemplate Candidate(string roomId, int size) => Dialects.RelayTemplate.Create(
        $$"""{"type":"candidate","roomId":"{{roomId}}","payload":""",
        "}",
        size,
        candidate => $$"""{"candidate":"{{candidate}}","sdpMid":"0","sdpMLineIndex":0""");
}
