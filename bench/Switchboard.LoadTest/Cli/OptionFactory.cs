using System.CommandLine;
using System.CommandLine.Parsing;

namespace Switchboard.LoadTest.Cli;

/// <summary>Options with their bounds: every count and duration a run takes has an upper limit.</summary>
internal static class OptionFactory
{
    public static Option<int> Count(string name, string description, int defaultValue, int min, int max)
    {
        var option = new Option<int>(name) { Description = $"{description} [{min}–{max:N0}; default {defaultValue:N0}]", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < min || value > max)
            {
                result.AddError($"{name} must be from {min} to {max:N0} (was {value})");
            }
        });
        return option;
    }

    public static Option<double> Number(string name, string description, double defaultValue, double min, double max)
    {
        var option = new Option<double>(name) { Description = $"{description} [{min}–{max:N0}; default {defaultValue}]", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (value < min || value > max)
            {
                result.AddError($"{name} must be from {min} to {max:N0} (was {value})");
            }
        });
        return option;
    }

    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue, TimeSpan max)
    {
        var option = new Option<TimeSpan>(name)
        {
            Description = $"{description} (e.g. 500ms, 10s, 2m; at most {max.TotalSeconds:0} s; default {defaultValue.TotalSeconds:0.###} s)",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => Parse(result, defaultValue),
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<TimeSpan>() > max)
            {
                result.AddError($"{name} may be at most {max.TotalSeconds:0} s");
            }
        });
        return option;
    }

    private static TimeSpan Parse(ArgumentResult result, TimeSpan defaultValue)
    {
        if (result.Tokens.Count == 0)
        {
            return defaultValue;
        }

        var text = result.Tokens[0].Value;
        if (DurationParser.TryParse(text, out var duration))
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration (try 500ms, 10s, 2m or 00:00:10)");
        return defaultValue;
    }
}
