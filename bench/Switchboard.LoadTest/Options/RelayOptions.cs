namespace Switchboard.LoadTest.Options;

/// <summary>The relay scenario: pairs bouncing candidate-like messages through the server.</summary>
internal sealed class RelayOptions
{
    /// <summary>Pairs of clients. Default 50.</summary>
    public int Pairs { get; set; } = 50;

    /// <summary>Messages each pair keeps in flight (closed loop: each echo sends the next). Default 1.</summary>
    public int InFlight { get; set; } = 1;

    /// <summary>Size of each message as sent, in bytes. Default 200 (an ICE candidate message).</summary>
    public int PayloadBytes { get; set; } = 200;

    /// <summary>Round trips per second per pair; 0 sends as fast as the echoes come back (saturation). Default 0.</summary>
    public double Rate { get; set; }
}
