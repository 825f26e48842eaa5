using System.CommandLine;
using Switchboard.LoadTest.Options;
using Switchboard.LoadTest.Scenarios;

namespace Switchboard.LoadTest.Cli;

/// <summary>One command per scenario; each reads its own options class and hands it to the scenario.</summary>
internal static class ScenarioCommands
{
    private const int MaxConnections = 200_000;

    public static Command Idle(CommonOptions common)
    {
        var connections = OptionFactory.Count("--connections", "Idle connections to hold, in rooms of two", 1000, 2, MaxConnections);
        var hold = OptionFactory.Duration("--hold", "How long to hold them before reading the server's memory", TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(30));
        var deadline = OptionFactory.Duration("--connect-deadline", "Longest time for connecting them all", TimeSpan.FromSeconds(180), TimeSpan.FromMinutes(30));
        var warmPass = new Option<bool>("--warm-pass") { Description = "Then close them and measure a second pass on the same (now warm) server process" };
        var warmHold = OptionFactory.Duration("--warm-hold", "How long the second pass holds its connections", TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(30));
        var command = new Command("idle", "Hold N idle connections (pairs in rooms, keep-alive on) and report the server's memory per connection") { connections, hold, deadline, warmPass, warmHold };
        command.SetAction((result, cancellationToken) =>
        {
            var run = common.Read(result);
            var idle = new IdleOptions
            {
                Connections = result.GetValue(connections),
                Hold = result.GetValue(hold),
                ConnectDeadline = result.GetValue(deadline),
                WarmPass = result.GetValue(warmPass),
                WarmHold = result.GetValue(warmHold),
            };
            return ScenarioRunner.RunAsync(run, ScenarioTiming.Idle(idle), result.GetValue(common.HardStop), "idle", context => IdleScenario.RunAsync(context, idle), cancellationToken);
        });
        return command;
    }

    public static Command Relay(CommonOptions common)
    {
        var (pairs, inFlight, payload, rate) = RelayOptionSet(defaultRate: 0);
        var command = new Command("relay", "P pairs relay candidate-like messages, W in flight each: round-trip latency, msgs/s, server CPU per message") { pairs, inFlight, payload, rate };
        command.SetAction((result, cancellationToken) =>
        {
            var run = common.Read(result);
            var relay = ReadRelay(result, pairs, inFlight, payload, rate);
            return ScenarioRunner.RunAsync(run, ScenarioTiming.Measured(run) + TimeSpan.FromSeconds(60), result.GetValue(common.HardStop), "relay", context => RelayScenario.RunAsync(context, relay), cancellationToken);
        });
        return command;
    }

    public static Command Setup(CommonOptions common)
    {
        var concurrency = OptionFactory.Count("--concurrency", "Setups in progress at once", 16, 1, 1000);
        var offerBytes = OptionFactory.Count("--offer-bytes", "Size of the joiner's offer SDP", 1500, 100, 60_000);
        var command = new Command("setup", "Call setups per second: connect two, create a room, join with an offer, first relay, close both") { concurrency, offerBytes };
        command.SetAction((result, cancellationToken) =>
        {
            var run = common.Read(result);
            var setup = new SetupOptions { Concurrency = result.GetValue(concurrency), OfferBytes = result.GetValue(offerBytes) };
            return ScenarioRunner.RunAsync(run, ScenarioTiming.Measured(run) + TimeSpan.FromSeconds(30), result.GetValue(common.HardStop), "setup", context => SetupScenario.RunAsync(context, setup), cancellationToken);
        });
        return command;
    }

    public static Command Fanout(CommonOptions common)
    {
        var roomSize = OptionFactory.Count("--room-size", "Members per room, the sender included", 8, 2, 16);
        var rooms = OptionFactory.Count("--rooms", "Rooms, each with one message in flight", 10, 1, 1000);
        var payload = OptionFactory.Count("--payload-bytes", "Size of each message", 200, 120, 60_000);
        var command = new Command("fanout", "Rooms of N, one sender each: latency to every member and to all (servers with N-party rooms)") { roomSize, rooms, payload };
        command.SetAction((result, cancellationToken) =>
        {
            var run = common.Read(result);
            var fanout = new FanoutOptions { RoomSize = result.GetValue(roomSize), Rooms = result.GetValue(rooms), PayloadBytes = result.GetValue(payload) };
            return ScenarioRunner.RunAsync(run, ScenarioTiming.Measured(run) + TimeSpan.FromSeconds(60), result.GetValue(common.HardStop), "fanout", context => FanoutScenario.RunAsync(context, fanout), cancellationToken);
        });
        return command;
    }

    public static Command Mixed(CommonOptions common)
    {
        var (pairs, inFlight, payload, rate) = RelayOptionSet(defaultRate: 5);
        var idleConnections = OptionFactory.Count("--idle-connections", "Idle connections held during the second measurement", 16_000, 2, MaxConnections);
        var settle = OptionFactory.Duration("--settle", "How long the idle connections are held before measuring again", TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10));
        var deadline = OptionFactory.Duration("--connect-deadline", "Longest time for connecting the idle connections", TimeSpan.FromSeconds(180), TimeSpan.FromMinutes(30));
        var command = new Command("mixed", "Relay latency of P pairs alone, then while N idle connections are held with keep-alive") { pairs, inFlight, payload, rate, idleConnections, settle, deadline };
        command.SetAction((result, cancellationToken) =>
        {
            var run = common.Read(result);
            var relay = ReadRelay(result, pairs, inFlight, payload, rate);
            // The idle crowd of the second measurement: held for --settle before it starts.
            var idle = new IdleOptions { Connections = result.GetValue(idleConnections), Hold = result.GetValue(settle), ConnectDeadline = result.GetValue(deadline) };
            var budget = ScenarioTiming.Measured(run) + run.Duration + ScenarioTiming.Idle(idle) + TimeSpan.FromSeconds(60);
            return ScenarioRunner.RunAsync(run, budget, result.GetValue(common.HardStop), "mixed", context => MixedScenario.RunAsync(context, relay, idle), cancellationToken);
        });
        return command;
    }

    private static (Option<int> Pairs, Option<int> InFlight, Option<int> Payload, Option<double> Rate) RelayOptionSet(double defaultRate) =>
    (
        OptionFactory.Count("--pairs", "Pairs of clients relaying", 50, 1, 9000),
        OptionFactory.Count("--in-flight", "Messages each pair keeps in flight", 1, 1, 256),
        OptionFactory.Count("--payload-bytes", "Size of each message", 200, 120, 60_000),
        OptionFactory.Number("--rate", "Round trips per second per pair; 0 = as fast as echoes return (saturation)", defaultRate, 0, 10_000)
    );

    private static RelayOptions ReadRelay(ParseResult result, Option<int> pairs, Option<int> inFlight, Option<int> payload, Option<double> rate) => new()
    {
        Pairs = result.GetValue(pairs),
        InFlight = result.GetValue(inFlight),
        PayloadBytes = result.GetValue(payload),
        Rate = result.GetValue(rate),
    };
}
