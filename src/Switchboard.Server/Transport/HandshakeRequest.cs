namespace Switchboard.Server.Transport;

/// <summary>
/// What a WebSocket opening handshake asked for, read straight from the socket. <c>ForwardedFor</c> holds every
/// <c>X-Forwarded-For</c> value, joined with commas in order; it is believed only from a known proxy.
/// </summary>
internal readonly record struct HandshakeRequest(int HeadLength, string Path, string Key, string? Origin, string? ForwardedFor = null);
