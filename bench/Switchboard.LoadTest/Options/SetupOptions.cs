namespace Switchboard.LoadTest.Options;

/// <summary>The setup scenario: whole call setups (connect two, create, join with an offer, first relay, close both), back to back.</summary>
internal sealed class SetupOptions
{
    /// <summary>Setups in progress at once. Default 16.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>Size of the joiner's offer SDP in bytes. Default 1 500.</summary>
    public int OfferBytes { get; set; } = 1500;
}
