namespace Switchboard.Server.Transport;

/// <summary>What a WebSocket opening handshake asked for, read straight from the socket.</summary>
internal readonly record struct HandshakeRequest(int HeadLength, string Path, string Key, string? Origin);
