using System.CommandLine;
using Switchboard.LoadTest.Net;
using Switchboard.LoadTest.Options;
using Switchboard.LoadTest.Targets;

namespace Switchboard.LoadTest.Cli;

/// <summary>The options every scenario takes, declared once on the root command (recursive) and read into <see cref="RunOptions"/>.</summary>
internal sealed class CommonOptions
{
    public Option<ServerKind> Server { get; } = new("--server")
    {
        Description = "Which protocol to speak: switchboard, tutorial (the tutorial's server) or peerjs (peerjs-server)",
        DefaultValueFactory = _ => ServerKind.Switchboard,
    };

    public Option<string?> Target { get; } = new("--target")
    {
        Description = "The server's WebSocket URL (ws:// or wss://), loopback only. Default ws://127.0.0.1:8080/ (switchboard), :61234/ (tutorial), :9000/peerjs (peerjs)",
    };

    public Option<int?> ServerPid { get; } = new("--server-pid")
    {
        Description = "The server's process id: its CPU time and memory are read from /proc/PID",
    };

    public Option<TimeSpan> Warmup { get; } = OptionFactory.Duration("--warmup", "Traffic before measuring", TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(5));

    public Option<TimeSpan> Duration { get; } = OptionFactory.Duration("--duration", "The measured window", TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(30));

    public Option<string?> Output { get; } = new("--output", "-o") { Description = "Write the result as JSON to this file" };

    public Option<string?> ServerName { get; } = new("--server-name")
    {
        Description = "The name the result is filed under, e.g. baseline for a second Switchboard build or floor for a server that speaks the tutorial's protocol (default: the --server protocol's name)",
    };

    public Option<string?> Label { get; } = new("--label") { Description = "The name the report groups this run under (default: the scenario)" };

    public Option<int?> Round { get; } = new("--round") { Description = "The round of an interleaved benchmark this run belongs to" };

    public Option<bool> NoProgress { get; } = new("--no-progress") { Description = "No live display" };

    public Option<int> SourceAddresses { get; } = OptionFactory.Count("--source-addresses", "Bind client sockets round-robin to 127.0.0.1 … 127.0.0.N", 8, 0, 254);

    public Option<int> ConnectConcurrency { get; } = OptionFactory.Count("--connect-concurrency", "Connection attempts in flight at once", 64, 1, 1024);

    public Option<int> MaxConnectionsPerProcess { get; } = OptionFactory.Count("--max-connections-per-process", "Above this many connections, idle connections are spread over worker processes", 8000, 2, 18000);

    public Option<string?> SlowLog { get; } = new("--slow-log") { Description = "Write each round trip slower than --slow-above to this file: send time and latency in ms (CLOCK_MONOTONIC), to line up with a profile" };

    public Option<TimeSpan> SlowAbove { get; } = OptionFactory.Duration("--slow-above", "What --slow-log counts as slow", TimeSpan.FromMilliseconds(2), TimeSpan.FromMinutes(1));

    public Option<TimeSpan?> HardStop { get; } = new("--hard-stop")
    {
        Description = "End the process after this long whatever it is doing (default: the scenario's own budget)",
        CustomParser = result => DurationParser.TryParse(result.Tokens[0].Value, out var value) ? value : null,
    };

    public IEnumerable<Option> All =>
    [
        Server, ServerName, Target, ServerPid, Warmup, Duration, Output, Label, Round, NoProgress, SourceAddresses, ConnectConcurrency, MaxConnectionsPerProcess, SlowLog, SlowAbove, HardStop,
    ];

    public RunOptions Read(ParseResult result)
    {
        var server = result.GetValue(Server);
        return new RunOptions
        {
            Server = server,
            ServerName = result.GetValue(ServerName),
            Target = new Uri(result.GetValue(Target) ?? DefaultTarget(server)),
            ServerPid = result.GetValue(ServerPid),
            Warmup = result.GetValue(Warmup),
            Duration = result.GetValue(Duration),
            Output = result.GetValue(Output),
            Label = result.GetValue(Label),
            Round = result.GetValue(Round),
            Progress = !result.GetValue(NoProgress),
            MaxConnectionsPerProcess = result.GetValue(MaxConnectionsPerProcess),
            SlowLog = result.GetValue(SlowLog),
            SlowAbove = result.GetValue(SlowAbove),
            Connector = new ConnectorOptions
            {
                SourceAddresses = result.GetValue(SourceAddresses),
                ConnectConcurrency = result.GetValue(ConnectConcurrency),
            },
        };
    }

    private static string DefaultTarget(ServerKind server) => server switch
    {
        ServerKind.Tutorial => "ws://127.0.0.1:61234/",
        ServerKind.PeerJs => "ws://127.0.0.1:9000/peerjs",
        _ => "ws://127.0.0.1:8080/",
    };
}
