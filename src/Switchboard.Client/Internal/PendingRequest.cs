namespace Switchboard.Client.Internal;

internal enum RequestKind
{
    Auth,
    Resume,
    CreateRoom,
    Join,
    Leave,
}

/// <summary>
/// A call waiting for the server's answer. The protocol has no request ids, but the server answers one
/// connection's messages in order and the client has one call in flight at a time, so the next answer of
/// the right kind (or an error a call of this kind can get) is this call's.
/// </summary>
internal sealed class PendingRequest(RequestKind kind, string? roomId)
{
    private readonly TaskCompletionSource<Answer> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RequestKind Kind { get; } = kind;

    public string? RoomId { get; } = roomId;

    public Task<Answer> Task => _answer.Task;

    public bool IsAnsweredBy(string type, ServerMessage message)
    {
        if (type == "error")
        {
            return message.Code is { } code && IsErrorFor(code) && (message.RoomId is null || RoomId is null || message.RoomId == RoomId);
        }

        return Kind switch
        {
            RequestKind.Auth => type == "authenticated",
            RequestKind.Resume => type == "resumed",
            RequestKind.CreateRoom => type == "roomCreated",
            RequestKind.Join => type == "joined" && message.RoomId == RoomId,
            RequestKind.Leave => type == "left" && message.RoomId == RoomId,
            _ => false,
        };
    }

    public void Complete(Answer answer) => _answer.TrySetResult(answer);

    public void Fail(Exception error) => _answer.TrySetException(error);

    private bool IsErrorFor(string code) => code switch
    {
        "unauthorized" => true,
        "rate-limited" or "bad-message" => Kind != RequestKind.Auth,
        "resume-failed" => Kind == RequestKind.Resume,
        "too-many-rooms" => Kind is RequestKind.CreateRoom or RequestKind.Join,
        "room-not-found" => Kind is RequestKind.Join or RequestKind.Leave,
        "room-full" => Kind == RequestKind.Join,
        "not-in-room" => Kind == RequestKind.Leave,
        _ => false,
    };
}

/// <summary>A server message that answered a call: its type, its fields, and the JSON itself.</summary>
internal sealed record Answer(string Type, ServerMessage Fields, System.Text.Json.JsonElement Message);
