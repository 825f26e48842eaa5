namespace Switchboard.LoadTest.Reporting;

/// <summary>A server's memory for N idle connections, extrapolated linearly from what the idle runs measured.</summary>
internal sealed record MemoryProjection(string Server, double StartupMiB, double KbPerConnection)
{
    public double MiBFor(int connections) => StartupMiB + (connections * KbPerConnection / 1024);
}
