namespace Switchboard.Client;

/// <summary>
/// The server refused a call with an <c>error</c> (<see cref="Code"/> is its stable code, such as
/// <c>room-not-found</c> or <c>room-full</c>), or the connection was lost before the answer came
/// (<see cref="ConnectionLostCode"/>).
/// </summary>
public sealed class SwitchboardException : Exception
{
    /// <summary>The code of a call whose connection dropped before the server answered; the call may or may not have taken effect.</summary>
    public const string ConnectionLostCode = "connection-lost";

    /// <summary>Creates an exception with no code (<see cref="ConnectionLostCode"/>).</summary>
    public SwitchboardException()
        : this(ConnectionLostCode, "the connection to the server was lost")
    {
    }

    /// <summary>Creates an exception with a message and no server code (<see cref="ConnectionLostCode"/>).</summary>
    /// <param name="message">What happened.</param>
    public SwitchboardException(string message)
        : this(ConnectionLostCode, message)
    {
    }

    /// <summary>Creates an exception with a message and the error that caused it (<see cref="ConnectionLostCode"/>).</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public SwitchboardException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = ConnectionLostCode;
    }

    /// <summary>Creates an exception for an error the server sent.</summary>
    /// <param name="code">The error's code.</param>
    /// <param name="message">The server's explanation (its <c>payload</c>).</param>
    /// <param name="roomId">The room the error names, if any.</param>
    /// <param name="retryAfter">For <c>rate-limited</c>: when the same call would be taken.</param>
    public SwitchboardException(string code, string message, string? roomId = null, TimeSpan? retryAfter = null)
        : base(message)
    {
        Code = code;
        RoomId = roomId;
        RetryAfter = retryAfter;
    }

    /// <summary>The error's stable code: <c>room-not-found</c>, <c>room-full</c>, <c>too-many-rooms</c>, <c>rate-limited</c>, … or <see cref="ConnectionLostCode"/>.</summary>
    public string Code { get; }

    /// <summary>The room the error names, if the server named one.</summary>
    public string? RoomId { get; }

    /// <summary>For <c>rate-limited</c>: how long until the same call would be taken.</summary>
    public TimeSpan? RetryAfter { get; }
}
