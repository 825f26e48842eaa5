namespace Switchboard.Server.Admission;

/// <summary>
/// Whether the server is draining for a restart: set once, when the host begins to stop. From then on
/// <c>/readyz</c> answers 503 and new upgrades are refused on both ways in, while the clients already
/// connected are told 1012 and given <see cref="SwitchboardOptions.DrainTimeout"/> to go.
/// </summary>
internal sealed class SwitchboardDrain
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public void Begin() => _draining = true;
}
