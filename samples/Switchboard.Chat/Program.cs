// Two terminals chat through a Switchboard room:
//   dotnet run -- create                 prints the room id
//   dotnet run -- join <roomId>          in another terminal
// Lines typed are sent to the room; lines received are printed with their sender. --server (or SWITCHBOARD_URL)
// picks the server; the default is the one `dotnet run --project src/Switchboard.Host` starts.
using System.Text.Json;
using System.Text.Json.Serialization;
using Switchboard.Chat;
using Switchboard.Client;

var command = args.Length > 0 ? args[0] : null;
var roomArgument = command == "join" && args.Length > 1 ? args[1] : null;
var serverIndex = Array.IndexOf(args, "--server");
var server = serverIndex >= 0 && serverIndex + 1 < args.Length
    ? args[serverIndex + 1]
    : Environment.GetEnvironmentVariable("SWITCHBOARD_URL") ?? "ws://localhost:8080/ws";
if (command is not ("create" or "join") || (command == "join" && roomArgument is null) || !Uri.TryCreate(server, UriKind.Absolute, out var serverUri))
{
    Console.Error.WriteLine("usage: Switchboard.Chat create [--server ws://host:port/ws]");
    Console.Error.WriteLine("       Switchboard.Chat join <roomId> [--server ws://host:port/ws]");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C ends the chat with a clean close, so the others see us leave at once.
    e.Cancel = true;
    stop.Cancel();
};

await using var client = new SwitchboardClient(serverUri);
try
{
    await client.ConnectAsync(stop.Token);
}
catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or TimeoutException)
{
    Console.Error.WriteLine($"Cannot reach {serverUri}: {ex.Message}");
    return 1;
}

string roomId;
try
{
    if (command == "create")
    {
        roomId = (await client.CreateRoomAsync(capacity: 8, stop.Token)).RoomId;
        Console.WriteLine($"Room created: {roomId}");
        Console.WriteLine($"Others join with: dotnet run -- join {roomId}");
    }
    else
    {
        var room = await client.JoinAsync(roomArgument!, stop.Token);
        roomId = room.RoomId;
        Console.WriteLine($"Joined {roomId} as {Name(client.PeerId)}; here: {(room.Peers.Count == 0 ? "nobody" : string.Join(", ", room.Peers.Select(Name)))}");
    }
}
catch (SwitchboardException ex)
{
    Console.Error.WriteLine($"The server refused: {ex.Code} ({ex.Message})");
    return 1;
}

var printing = PrintEventsAsync(client, stop.Token);
var typing = Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync(stop.Token) is { } line)
    {
        if (line.Length > 0)
        {
            await client.SendToRoomAsync(roomId, "chat", JsonSerializer.SerializeToElement(line, ChatJson.Default.String), stop.Token);
        }
    }
});

// Standard input closing (Ctrl+D), Ctrl+C, or the client closing for good ends the chat.
await Task.WhenAny(printing, typing);
await client.CloseAsync(CancellationToken.None);
return 0;

static async Task PrintEventsAsync(SwitchboardClient client, CancellationToken cancellationToken)
{
    try
    {
        await foreach (var e in client.ReadEventsAsync(cancellationToken))
        {
            var line = e switch
            {
                MessageReceived { Type: "chat", Payload.ValueKind: JsonValueKind.String } m => $"{Name(m.From)}: {m.Payload.GetString()}",
                PeerJoined p => $"* {Name(p.PeerId)} joined",
                PeerLeft p => $"* {Name(p.PeerId)} left",
                PeerDisconnected p => $"* {Name(p.PeerId)} lost their connection; waiting for them",
                PeerReconnected p => $"* {Name(p.PeerId)} is back",
                Reconnecting r => $"* connection lost; trying again in {r.Delay.TotalSeconds:0.0} s",
                Reconnected { Resumed: true } => "* reconnected; nothing was lost",
                Reconnected r => $"* reconnected as {Name(r.PeerId)}",
                RoomLost r => $"* the room is gone ({r.Code}): start a new one with: dotnet run -- create",
                Replaced => "* this chat was taken over by another connection",
                Closed => "* closed",
                _ => null,
            };
            if (line is not null)
            {
                Console.WriteLine(line);
            }

            if (e is RoomLost)
            {
                return;
            }
        }
    }
    catch (OperationCanceledException)
    {
    }
}

static string Name(string? peerId) => peerId is null ? "?" : peerId[..Math.Min(6, peerId.Length)];

namespace Switchboard.Chat
{
    [JsonSerializable(typeof(string))]
    internal sealed partial class ChatJson : JsonSerializerContext;
}
