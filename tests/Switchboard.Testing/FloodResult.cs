namespace Switchboard.Testing;

/// <summary>What <see cref="RawWebSocket.FloodAsync"/> got through: bytes written, whether the server dropped the connection, and after how long.</summary>
public readonly record struct FloodResult(long BytesWritten, bool Dropped, TimeSpan Elapsed);
