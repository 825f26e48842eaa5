using System.Text.Json;
using System.Text.Json.Serialization;
using Switchboard.Client;

namespace QuickStart;

/// <summary>Alice creates a room, Bob joins it, Alice says hello, and Bob learns who said what.</summary>
public static class Hello
{
    public static async Task<string> RunAsync(Uri server, CancellationToken cancellationToken = default)
    {
        await using var alice = new SwitchboardClient(server);
        await using var bob = new SwitchboardClient(server);
        await alice.ConnectAsync(cancellationToken);
        await bob.ConnectAsync(cancellationToken);

        var room = await alice.CreateRoomAsync(capacity: 4, cancellationToken);
        await bob.JoinAsync(room.RoomId, cancellationToken);

        // Payloads are JSON; a source-generated context keeps the app trimmable and AOT-friendly.
        var hello = JsonSerializer.SerializeToElement("hello, Bob", HelloJson.Default.String);
        await alice.SendToRoomAsync(room.RoomId, "chat", hello, cancellationToken);

        await foreach (var e in bob.ReadEventsAsync(cancellationToken))
        {
            switch (e)
            {
                case MessageReceived { Type: "chat" } message:
                    return $"{message.From} says {message.Payload.GetString()}";
                case PeerLeft left:
                    Console.WriteLine($"{left.PeerId} left {left.RoomId}");
                    break;
                case Reconnecting reconnecting:
                    Console.WriteLine($"connection lost; attempt {reconnecting.Attempt} in {reconnecting.Delay}");
                    break;
                case RoomLost lost:
                    Console.WriteLine($"room {lost.RoomId} is gone: {lost.Code}");
                    break;
            }
        }

        return "the client closed before the message arrived";
    }
}

[JsonSerializable(typeof(string))]
internal sealed partial class HelloJson : JsonSerializerContext;
