namespace Switchboard.Server;

/// <summary>Where <c>/metrics</c> is served (<c>Switchboard:Metrics</c>).</summary>
public sealed class MetricsOptions
{
    /// <summary>
    /// Serve <c>/metrics</c> on this list of URLs instead of the public endpoint, e.g. <c>http://127.0.0.1:9090</c>,
    /// so only a local scraper (or one inside a private network) can read it. Default none: <c>/metrics</c>
    /// is on the listening port with everything else.
    /// </summary>
    public IList<string> Urls { get; set; } = [];

    /// <summary>Serve <c>/metrics</c> at all. Default true.</summary>
    public bool Enabled { get; set; } = true;
}
