namespace Switchboard.Server.Protocol;

internal enum ParseStatus
{
    Ok,

    /// <summary>The text is not valid JSON: answered with <c>bad-json</c>.</summary>
    BadJson,

    /// <summary>Valid JSON that is not a valid message: answered with <c>bad-message</c>.</summary>
    BadMessage,
}
