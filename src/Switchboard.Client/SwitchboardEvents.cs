using System.Net.WebSockets;
using System.Text.Json;

namespace Switchboard.Client;

/// <summary>
/// Something that happened to a <see cref="SwitchboardClient"/>: a message from the server
/// (<see cref="ServerEvent"/>) or a change of the connection (<see cref="Reconnecting"/>, <see cref="Reconnected"/>,
/// <see cref="RoomLost"/>, <see cref="Replaced"/>, <see cref="Closed"/>). Read them with
/// <see cref="SwitchboardClient.ReadEventsAsync"/>.
/// </summary>
public abstract record SwitchboardEvent;

/// <summary>A message from the server, with the message itself for fields this type does not name (identities, TURN expiry).</summary>
/// <param name="Message">The message as the server sent it: a JSON object.</param>
public abstract record ServerEvent(JsonElement Message) : SwitchboardEvent;

/// <summary><c>roomCreated</c>: the client created a room and is its first member.</summary>
/// <param name="Message">The message as the server sent it.</param>
/// <param name="RoomId">The new room's id, to hand to whoever should join.</param>
/// <param name="PeerId">This client's peer id.</param>
/// <param name="Capacity">How many members the room takes.</param>
/// <param name="IceServers">The <c>RTCIceServer</c> list to hand to a peer connection (a JSON array).</param>
public sealed record RoomCreated(JsonElement Message, string RoomId, string PeerId, int Capacity, JsonElement IceServers) : ServerEvent(Message);

/// <summary><c>joined</c>: the client is a member of a room.</summary>
/// <param name="Message">The message as the server sent it.</param>
/// <param name="RoomId">The room.</param>
/// <param name="PeerId">This client's peer id.</param>
/// <param name="Capacity">How many members the room takes.</param>
/// <param name="Peers">The other members, oldest first.</param>
/// <param name="IceServers">The <c>RTCIceServer</c> list to hand to a peer connection (a JSON array).</param>
public sealed record Joined(JsonElement Message, string RoomId, string PeerId, int Capacity, IReadOnlyList<string> Peers, JsonElement IceServers) : ServerEvent(Message);

/// <summary><c>left</c>: the client left a room.</summary>
/// <param name="Message">The message as the server sent it.</param>
/// <param name="RoomId">The room.</param>
public sealed record Left(JsonElement Message, string RoomId) : ServerEvent(Message);

/// <summary><c>peerJoined</c>: another peer joined one of the client's rooms.</summary>
/// <param name="Message">The message as the server sent it (with <c>identity</c> when authentication names the peer).</param>
/// <param name="RoomId">The room.</param>
/// <param name="PeerId">The newcomer.</param>
public sealed record PeerJoined(JsonElement Message, string RoomId, string PeerId) : ServerEvent(Message);

/// <summary><c>peerLeft</c>: a peer left one of the client's rooms, or its seat ended without a resume.</summary>
/// <param name="Message">The message as the server sent it.</param>
/// <param name="RoomId">The room.</param>
/// <param name="PeerId">The peer that is gone.</param>
public sealed record PeerLeft(JsonElement Message, string RoomId, string PeerId) : ServerEvent(Message);

/// <summary>
/// <c>peerDisconnected</c>: a peer's connection dropped, but its seat is kept for the server's grace period;
/// a <see cref="PeerReconnected"/> or a <see cref="PeerLeft"/> follows.
/// </summary>
/// <param name="Message">The message as the server sent it.</param>
/// <param name="RoomId">The room.</param>
/// <param name="PeerId">The peer that is away.</param>
public sealed record PeerDisconnected(JsonElement Message, string RoomId, string PeerId) : ServerEvent(Message);

/// <summary><c>peerReconnected</c>: a peer resumed its seat; what was sent to it meanwhile has reached it.</summary>
/// <param name="Message">The message as the server sent it.</param>
/// <param name="RoomId">The room.</param>
/// <param name="PeerId">The peer that is back.</param>
public sealed record PeerReconnected(JsonElement Message, string RoomId, string PeerId) : ServerEvent(Message);

/// <summary>
/// <c>resumed</c>: after a drop, the client took its seat back. Right after it come a <see cref="PeerLeft"/> for each
/// member that left while the client was away and a <see cref="PeerJoined"/> for each that joined (the server keeps
/// no membership notices for an away seat; these are the difference), then the messages sent to it meanwhile, in order.
/// </summary>
/// <param name="Message">The message as the server sent it.</param>
/// <param name="PeerId">This client's peer id, the same as before the drop.</param>
/// <param name="Rooms">The rooms as they are now.</param>
public sealed record Resumed(JsonElement Message, string PeerId, IReadOnlyList<SwitchboardRoom> Rooms) : ServerEvent(Message);

/// <summary>A message another member sent into a room (an offer, an answer, a candidate, or any type of the application's).</summary>
/// <param name="Message">The message as relayed, the sender's JSON with <c>from</c> added.</param>
/// <param name="Type">The message's <c>type</c>.</param>
/// <param name="RoomId">The room it was sent into.</param>
/// <param name="From">The sender's peer id, set by the server: it can be trusted.</param>
/// <param name="To">This client's peer id when the message was sent to it alone; <see langword="null"/> when it went to the whole room.</param>
/// <param name="Payload">The message's <c>payload</c>; <see cref="JsonValueKind.Undefined"/> when it has none.</param>
public sealed record MessageReceived(JsonElement Message, string Type, string RoomId, string From, string? To, JsonElement Payload) : ServerEvent(Message);

/// <summary>
/// An <c>error</c> that answers no call of this client: a relayed message refused (<c>not-in-room</c>,
/// <c>peer-not-found</c>, <c>peer-unavailable</c>, <c>rate-limited</c>). Errors that answer
/// <see cref="SwitchboardClient.CreateRoomAsync"/>, <see cref="SwitchboardClient.JoinAsync"/> or
/// <see cref="SwitchboardClient.LeaveAsync"/> are thrown from them as <see cref="SwitchboardException"/> instead.
/// </summary>
/// <param name="Message">The message as the server sent it.</param>
/// <param name="Code">The stable error code, such as <c>peer-unavailable</c>.</param>
/// <param name="Text">The server's human-readable explanation.</param>
/// <param name="RoomId">The room concerned, when the server names one.</param>
/// <param name="PeerId">The peer concerned (for <c>peer-unavailable</c>: the absent one), when the server names one.</param>
/// <param name="RetryAfter">For <c>rate-limited</c>: how long until the same message would be taken.</param>
public sealed record ServerError(JsonElement Message, string Code, string Text, string? RoomId, string? PeerId, TimeSpan? RetryAfter) : ServerEvent(Message);

/// <summary>Any other message from the server (<c>pong</c>, <c>iceServers</c>, <c>authenticated</c>, or a type newer than this client).</summary>
/// <param name="Message">The message as the server sent it.</param>
/// <param name="Type">The message's <c>type</c>.</param>
public sealed record OtherServerMessage(JsonElement Message, string Type) : ServerEvent(Message);

/// <summary>The connection dropped and the client waits <paramref name="Delay"/> before it tries again.</summary>
/// <param name="Attempt">1 for the first attempt after the drop, then 2, 3, …</param>
/// <param name="Delay">The wait before this attempt.</param>
/// <param name="CloseStatus">The close code the server sent (1012 when it restarts); <see langword="null"/> when the connection was cut without one.</param>
/// <param name="CloseDescription">The close reason the server sent, if any.</param>
/// <param name="Error">Why the connection or the previous attempt failed, when an exception says so.</param>
public sealed record Reconnecting(int Attempt, TimeSpan Delay, WebSocketCloseStatus? CloseStatus, string? CloseDescription, Exception? Error) : SwitchboardEvent;

/// <summary>
/// The client is connected again. With <paramref name="Resumed"/> it kept its seat; otherwise it re-joined the
/// rooms it could (each with a <see cref="Joined"/>, under a new peer id) and reported the others with <see cref="RoomLost"/>.
/// </summary>
/// <param name="PeerId">This client's peer id now; <see langword="null"/> when it is in no room.</param>
/// <param name="Resumed">Whether the seat was resumed (same peer id, nothing lost).</param>
public sealed record Reconnected(string? PeerId, bool Resumed) : SwitchboardEvent;

/// <summary>
/// After a reconnect that could not resume the seat, a room the client was in could not be joined again:
/// <c>room-not-found</c> after a server restart, or <c>room-full</c> when its place was taken.
/// </summary>
/// <param name="RoomId">The room that is gone for this client.</param>
/// <param name="Code">The error the re-join got.</param>
/// <param name="Text">The server's explanation.</param>
public sealed record RoomLost(string RoomId, string Code, string Text) : SwitchboardEvent;

/// <summary>
/// The server closed this connection with 4001: another connection presented this client's resume token and has its
/// seat now. The client does not reconnect; <see cref="Closed"/> follows.
/// </summary>
public sealed record Replaced : SwitchboardEvent;

/// <summary>The client is closed for good; no event follows.</summary>
/// <param name="CloseStatus">The close code that ended it, if the server sent one.</param>
/// <param name="CloseDescription">The close reason, if any.</param>
/// <param name="Error">What failed, when the client gave up after an error (reconnect attempts used up).</param>
public sealed record Closed(WebSocketCloseStatus? CloseStatus, string? CloseDescription, Exception? Error) : SwitchboardEvent;
