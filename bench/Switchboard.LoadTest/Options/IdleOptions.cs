namespace Switchboard.LoadTest.Options;

/// <summary>The idle scenario: connections in rooms of two, held open while the server keeps them alive.</summary>
internal sealed class IdleOptions
{
    /// <summary>Connections to hold (rounded down to pairs). Default 1 000.</summary>
    public int Connections { get; set; } = 1000;

    /// <summary>How long all connections are held before the server's memory is read again. Default 20 s (longer than Switchboard's 15 s keep-alive).</summary>
    public TimeSpan Hold { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Runs a second pass on the same server process once the first pass's connections are closed: does
    /// the server give the memory back, and does holding them again cost as much? Default off.
    /// </summary>
    public bool WarmPass { get; set; }

    /// <summary>How long the second pass holds its connections. Default 10 s.</summary>
    public TimeSpan WarmHold { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest the connecting phase may take before the run goes on with what it has. Default 180 s.</summary>
    public TimeSpan ConnectDeadline { get; set; } = TimeSpan.FromSeconds(180);
}
