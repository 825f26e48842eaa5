using Switchboard.Server.Connections;

namespace Switchboard.Server;

/// <summary>The rules for <see cref="MessageLimitOptions"/>; part of <see cref="SwitchboardOptionsValidator"/>.</summary>
internal static class MessageLimitOptionsValidator
{
    private const string Prefix = SwitchboardOptions.SectionName + ":MessageLimits:";

    public static void Validate(MessageLimitOptions options, List<string> failures)
    {
        void Require(bool condition, string message)
        {
            if (!condition)
            {
                failures.Add(Prefix + message);
            }
        }

        Require(options.MessagesPerSecond is >= 0 and <= 10_000, $"MessagesPerSecond must be between 0 (no limit) and 10000 (was {options.MessagesPerSecond}).");
        Require(options.MessageBurst is >= 1 and <= 1_000_000, $"MessageBurst must be between 1 and 1000000 (was {options.MessageBurst}).");
        Require(options.FailedRoomLookupsPerMinute is >= 0 and <= 6000, $"FailedRoomLookupsPerMinute must be between 0 (no limit) and 6000 (was {options.FailedRoomLookupsPerMinute}).");
        Require(options.FailedRoomLookupBurst is >= 1 and <= 10_000, $"FailedRoomLookupBurst must be between 1 and 10000 (was {options.FailedRoomLookupBurst}).");
        Require(options.FloodFactor is >= 2 and <= 1000, $"FloodFactor must be between 2 and 1000 (was {options.FloodFactor}).");
        Require(
            options.FloodFactor < 2 || options.MessagesPerSecond < 0 || ((long)options.FloodFactor - 1) * options.MessagesPerSecond < MessageRates.MaxFloodThreshold,
            $"FloodFactor - 1 times MessagesPerSecond must be below {MessageRates.MaxFloodThreshold}, the refusals a second can count (was {((long)options.FloodFactor - 1) * options.MessagesPerSecond}).");
        Require(options.FloodDuration >= TimeSpan.FromSeconds(1) && options.FloodDuration <= TimeSpan.FromMinutes(1), $"FloodDuration must be between 00:00:01 and 00:01:00 (was {options.FloodDuration}).");
    }
}
