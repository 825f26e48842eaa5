namespace Switchboard.Server.Protocol;

/// <summary>The fields of a received message the server acts on; every other field is carried verbatim.</summary>
internal struct ParsedMessage
{
    public ParseStatus Status;

    /// <summary>Why a message is a <see cref="ParseStatus.BadMessage"/>, in words for the client.</summary>
    public string? Problem;

    public MessageKind Kind;
    public JsonField Type;
    public JsonField RoomId;
    public JsonField To;
    public int? Capacity;

    /// <summary><c>capacity</c> was present but not a single integer.</summary>
    public bool CapacityInvalid;

    /// <summary>The client sent a <c>from</c> of its own, which the relay must drop.</summary>
    public bool HasFrom;

    /// <summary>The object has at least one property (decides whether the relay adds a comma before <c>from</c>).</summary>
    public bool HasProperties;

    /// <summary>Index of the object's closing brace.</summary>
    public int ObjectEnd;
}
