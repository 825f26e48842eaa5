namespace Switchboard.LoadTest.Display;

/// <summary>What a running scenario shows: the phase it is in and a few live figures, read by the display twice a second.</summary>
internal sealed class StatusBoard
{
    private volatile string _phase = "starting";
    private Func<IEnumerable<(string Name, string Value)>> _rows = () => [];

    public string Phase
    {
        get => _phase;
        set => _phase = value;
    }

    public void Show(Func<IEnumerable<(string Name, string Value)>> rows) => Volatile.Write(ref _rows, rows);

    public IReadOnlyList<(string Name, string Value)> Rows()
    {
        try
        {
            return [.. Volatile.Read(ref _rows)()];
        }
        catch (InvalidOperationException)
        {
            // A collection changed under the display; the next refresh will do.
            return [];
        }
    }
}
