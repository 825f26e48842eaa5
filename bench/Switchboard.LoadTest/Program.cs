using System.CommandLine;
using Switchboard.LoadTest.Cli;
using Switchboard.LoadTest.Net;

// switchboard-loadtest: a loopback-only, time-bounded load generator for Switchboard, the tutorial's
// server and peerjs-server. See docs/performance.md.
SocketEngine.PreferInlineCompletions();
var common = new CommonOptions();
var root = new RootCommand("Load generator for Switchboard and the servers it is compared with (loopback targets only)");
foreach (var option in common.All)
{
    option.Recursive = true;
    root.Options.Add(option);
}

root.Subcommands.Add(ScenarioCommands.Idle(common));
root.Subcommands.Add(ScenarioCommands.Relay(common));
root.Subcommands.Add(ScenarioCommands.Setup(common));
root.Subcommands.Add(ScenarioCommands.Fanout(common));
root.Subcommands.Add(ScenarioCommands.Mixed(common));
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(WorkerCommand.Create(common));

// Ctrl-C cancels the scenario, which then closes its connections and stops its workers: give it time to.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) });
