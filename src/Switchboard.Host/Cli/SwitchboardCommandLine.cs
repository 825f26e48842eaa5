using System.CommandLine;
using System.CommandLine.Help;

namespace Switchboard.Host.Cli;

/// <summary>
/// Parses <c>switchboard</c>'s flags into configuration key/values. A flag is just another way to write a
/// configuration key, so the host reads one configuration whichever way a value was given; the flags go
/// in last and win over environment variables, which win over <c>--config</c> and appsettings.json.
/// </summary>
internal static class SwitchboardCommandLine
{
    /// <summary>The exit status for a mistake in the command line or the configuration, as most Unix tools use.</summary>
    public const int UsageError = 2;

    public const string Documentation = "docs/configuration.md";

    public static ParsedCommandLine Parse(string[] args, TextWriter output, TextWriter error)
    {
        // "--Section:Key value" sets any configuration key, as ASP.NET's own command line does; these
        // are taken out first so that every other flag can be checked strictly.
        var passthrough = new List<KeyValuePair<string, string?>>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || !arg.Contains(':', StringComparison.Ordinal))
            {
                rest.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                passthrough.Add(new(arg[2..equals], arg[(equals + 1)..]));
            }
            else if (i + 1 < args.Length)
            {
                passthrough.Add(new(arg[2..], args[++i]));
            }
            else
            {
                return Fail(error, $"{arg} needs a value");
            }
        }

        var (root, options) = Build();
        var result = root.Parse(rest);

        if (result.Action is HelpAction)
        {
            result.Invoke(new InvocationConfiguration { Output = output, Error = error });
            return new ParsedCommandLine { ExitCode = 0 };
        }

        if (result.Errors.Count > 0)
        {
            var message = result.Errors[0].Message;
            if (result.UnmatchedTokens.FirstOrDefault(t => message.Contains($"'{t}'", StringComparison.Ordinal)) is { } unknown
                && Closest(unknown, options.Select(o => o.Setting.Flag)) is { } flag)
            {
                message = $"{message.TrimEnd('.')}; did you mean {flag}?";
            }

            return Fail(error, message);
        }

        if (result.Action is VersionAction)
        {
            output.WriteLine(BuildVersion.Text);
            return new ParsedCommandLine { ExitCode = 0 };
        }

        var settings = new List<KeyValuePair<string, string?>>(passthrough);
        string? configFile = null;
        foreach (var (setting, option) in options)
        {
            if (result.GetResult(option) is not { Implicit: false } given)
            {
                continue;
            }

            var values = given.Tokens.Select(t => t.Value).ToList();
            if (setting == CommandLineSettings.Config)
            {
                configFile = Path.GetFullPath(values[^1]);
            }

            settings.AddRange(setting.ToConfiguration(values));
        }

        return new ParsedCommandLine { ConfigFile = configFile, Settings = settings };
    }

    /// <summary>The flag a mistyped one was most likely meant to be: at most a third of its letters off.</summary>
    private static string? Closest(string typed, IEnumerable<string> flags)
    {
        var best = flags.Select(f => (Flag: f, Distance: Distance(typed, f))).MinBy(c => c.Distance);
        return best.Flag is not null && best.Distance <= Math.Max(2, best.Flag.Length / 3) ? best.Flag : null;
    }

    /// <summary>Edit distance (Levenshtein) between two short strings.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    private static ParsedCommandLine Fail(TextWriter error, string message)
    {
        error.WriteLine($"switchboard: {message.TrimEnd('.')} (see switchboard --help)");
        return new ParsedCommandLine { ExitCode = UsageError };
    }

    private static (RootCommand Root, List<(CommandLineSetting Setting, Option Option)> Options) Build()
    {
        var root = new RootCommand(
            "Switchboard, a WebRTC signaling server: serves the web app and relays signaling between browsers.\n" +
            "Each flag sets one configuration key. Flags beat environment variables, which beat --config and appsettings.json;\n" +
            "any other key can be set with --Section:Key value (e.g. --Logging:LogLevel:Default Debug).\n" +
            $"Every setting, what it means and its default: {Documentation}. Exit status: 0, or {UsageError} for a mistake in the command line or configuration.");

        // Our own --version action prints the commit too; the built-in one prints only the version.
        foreach (var version in root.Options.OfType<VersionOption>().ToList())
        {
            version.Action = new VersionAction();
        }

        var options = new List<(CommandLineSetting, Option)>();
        foreach (var setting in CommandLineSettings.All)
        {
            Option option = setting.IsList
                ? new Option<string[]>(setting.Flag) { AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore }
                : new Option<string>(setting.Flag);
            option.HelpName = setting.HelpName;
            option.Description = Describe(setting);
            option.Validators.Add(result =>
            {
                foreach (var token in result.Tokens)
                {
                    var entries = setting.IsList ? token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [token.Value];
                    foreach (var entry in entries)
                    {
                        if (setting.Check(entry) is { } problem)
                        {
                            result.AddError($"{setting.Flag}: '{token.Value}' {problem}");
                            return;
                        }
                    }
                }
            });
            root.Options.Add(option);
            options.Add((setting, option));
        }

        return (root, options);
    }

    private static string Describe(CommandLineSetting setting)
    {
        var text = setting.Description;
        if (setting.Key is not null)
        {
            text += $" [{setting.Key}; env {CommandLineSettings.EnvironmentVariable(setting)}]";
        }

        if (setting.Default is not null)
        {
            text += $" [default: {setting.Default}]";
        }

        return text;
    }

    /// <summary>Marks a <c>--version</c> request; <see cref="Parse"/> prints it, so it never runs.</summary>
    private sealed class VersionAction : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult) => 0;
    }
}
