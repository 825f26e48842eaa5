namespace Switchboard.Server.Connections;

/// <summary>A connection with output gathered during the current work of a thread, written when that work is done (<see cref="FlushDeferral"/>).</summary>
internal interface IDeferredFlush
{
    /// <summary>Writes what is queued. Never throws: a failure costs the connection, not the thread.</summary>
    void Flush();
}
