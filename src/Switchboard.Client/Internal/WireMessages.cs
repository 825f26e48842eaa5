using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard.Client.Internal;

/// <summary>The fields of the server's own messages (not relayed ones, whose fields are the application's).</summary>
internal sealed class ServerMessage
{
    public string? Type { get; set; }

    public string? RoomId { get; set; }

    public string? PeerId { get; set; }

    public int? Capacity { get; set; }

    public List<string>? Peers { get; set; }

    public string? ResumeToken { get; set; }

    public List<WireRoom>? Rooms { get; set; }

    public string? Code { get; set; }

    public JsonElement? Payload { get; set; }

    public int? RetryAfterMs { get; set; }

    public JsonElement? IceServers { get; set; }
}

internal sealed class WireRoom
{
    public string? RoomId { get; set; }

    public int? Capacity { get; set; }

    public List<string>? Peers { get; set; }
}

internal sealed record CreateRoomRequest(int? Capacity)
{
    public string Type => "createRoom";
}

internal sealed record RoomRequest(string Type, string RoomId);

internal sealed record TokenRequest(string Type, string Token);

internal sealed record RelayRequest(string Type, string RoomId, string? To, JsonElement? Payload);

/// <summary>A <c>peerJoined</c>/<c>peerLeft</c> the client reports for a change it learnt from <c>resumed</c>.</summary>
internal sealed record MembershipNotice(string Type, string RoomId, string PeerId);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ServerMessage))]
[JsonSerializable(typeof(CreateRoomRequest))]
[JsonSerializable(typeof(RoomRequest))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(RelayRequest))]
[JsonSerializable(typeof(MembershipNotice))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
