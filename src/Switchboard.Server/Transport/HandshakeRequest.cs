namespace Switchboard.Server.Transport;

/// <summary>
/// What a WebSocket opening handshake asked for, read straight from the socket. <c>ForwardedFor</c> holds every
/// <c>X-Forwarded-For</c> value, joined with commas in order; it is believed only from a known proxy.
/// <c>Host</c> is the Host header as sent; <c>Query</c> the request target after the path, with its <c>?</c> (empty when there is none).
/// <c>Key</c> is where the <c>Sec-WebSocket-Key</c> value lies in the bytes that were parsed.
/// </summary>
internal readonly record struct HandshakeRequest(int HeadLength, string Path, Range Key, string? Origin, string? ForwardedFor = null, string Host = "", string Query = "");
