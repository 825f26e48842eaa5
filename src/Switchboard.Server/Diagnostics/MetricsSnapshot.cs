namespace Switchboard.Server.Diagnostics;

/// <summary>The server's counters at one moment: what <c>/metrics</c> exports and the <c>/admin</c> dashboard draws.</summary>
internal sealed record MetricsSnapshot(
    int DirectConnections,
    int PipelineConnections,
    int Rooms,
    int RoomMembers,
    long MessagesReceived,
    long MessagesRelayed,
    long BytesReceived,
    long BytesSent,
    IReadOnlyDictionary<string, long> Errors,
    IReadOnlyDictionary<string, long> Closes,
    IReadOnlyDictionary<string, long> Handshakes);
