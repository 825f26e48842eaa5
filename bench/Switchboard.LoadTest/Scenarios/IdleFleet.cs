using Switchboard.LoadTest.Coordination;
using Switchboard.LoadTest.Options;

namespace Switchboard.LoadTest.Scenarios;

/// <summary>
/// All the idle connections of a run, in this process when they fit and over worker processes when they
/// do not, seen as one: one status, one connect, one stop.
/// </summary>
internal sealed class IdleFleet : IAsyncDisposable
{
    private readonly IReadOnlyList<IIdleHolder> _holders;

    private IdleFleet(IReadOnlyList<IIdleHolder> holders)
    {
        _holders = holders;
    }

    public int Processes => _holders.Count;

    public int MaxConnectionsInOneProcess { get; private init; }

    public static IdleFleet Create(ScenarioContext context, IdleOptions idle, TimeSpan hardStop, int connectionsHereAlready = 0)
    {
        var perProcess = Math.Max(2, context.Run.MaxConnectionsPerProcess);
        var connections = idle.Connections - (idle.Connections % 2);
        if (connections + connectionsHereAlready <= perProcess)
        {
            return new IdleFleet([new LocalIdleHolder(context, connections)]) { MaxConnectionsInOneProcess = connections + connectionsHereAlready };
        }

        // Shares of whole pairs, as even as they can be.
        var workers = (int)Math.Ceiling(connections / (double)perProcess);
        var pairs = connections / 2;
        var holders = new List<IIdleHolder>(workers);
        for (var i = 0; i < workers; i++)
        {
            var share = (pairs / workers) + (i < pairs % workers ? 1 : 0);
            holders.Add(WorkerIdleHolder.Start(context.Run, share * 2, i, hardStop));
        }

        return new IdleFleet(holders) { MaxConnectionsInOneProcess = Math.Max(connectionsHereAlready, ((pairs / workers) + 1) * 2) };
    }

    public IdleStatus Status
    {
        get
        {
            var all = _holders.Select(h => h.Status).ToList();
            return new IdleStatus(all.Sum(s => s.Opened), all.Sum(s => s.Failed), all.Sum(s => s.Open), all.Sum(s => s.Lost), all.All(s => s.Connected));
        }
    }

    /// <summary>Connects every share; gives up waiting after <paramref name="deadline"/> and goes on with what is open.</summary>
    public async Task<bool> ConnectAsync(TimeSpan deadline, ScenarioContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Stopping);
        timeout.CancelAfter(deadline);
        try
        {
            await Task.WhenAll(_holders.Select(h => h.ConnectAsync(timeout.Token)));
            return true;
        }
        catch (OperationCanceledException)
        {
            context.Errors.Add($"connecting took longer than {deadline.TotalSeconds:0} s; measuring with the connections that are open");
            return false;
        }
        catch (Exception ex)
        {
            context.Errors.Add("a connection holder failed", ex);
            return false;
        }
    }

    public async Task<IdleReport> StopAsync()
    {
        var reports = await Task.WhenAll(_holders.Select(async h =>
        {
            try
            {
                return await h.StopAsync();
            }
            catch (Exception ex)
            {
                var status = h.Status;
                return new IdleReport(status.Opened, status.Failed, status.Open, status.Lost, 0, null, [$"a connection holder failed: {ex.Message}"]);
            }
        }));

        var kbPerConnection = reports.Where(r => r.KbPerConnection is not null).Select(r => r.KbPerConnection!.Value).DefaultIfEmpty().Max();
        return new IdleReport(
            reports.Sum(r => r.Opened),
            reports.Sum(r => r.Failed),
            reports.Sum(r => r.Open),
            reports.Sum(r => r.Lost),
            reports.Max(r => r.PeakRssKb),
            kbPerConnection > 0 ? kbPerConnection : null,
            [.. reports.SelectMany(r => r.Errors).Distinct()]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var holder in _holders)
        {
            await holder.DisposeAsync();
        }
    }
}
