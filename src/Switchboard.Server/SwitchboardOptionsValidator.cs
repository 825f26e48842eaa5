using Microsoft.Extensions.Options;
using Switchboard.Server.Admission;

namespace Switchboard.Server;

/// <summary>Rejects configurations that would make the server misbehave, naming the option and the rule.</summary>
internal sealed class SwitchboardOptionsValidator : IValidateOptions<SwitchboardOptions>
{
    public ValidateOptionsResult Validate(string? name, SwitchboardOptions options)
    {
        var failures = new List<string>();

        void Require(bool condition, string message)
        {
            if (!condition)
            {
                failures.Add($"{SwitchboardOptions.SectionName}:{message}");
            }
        }

        // 512 bytes still fits every message the server itself sends; 16 MiB is far past any SDP.
        Require(options.MaxMessageSize is >= 512 and <= 16 * 1024 * 1024, $"MaxMessageSize must be between 512 and 16777216 bytes (was {options.MaxMessageSize}).");
        Require(options.MaxRoomCapacity is >= 2 and <= 1024, $"MaxRoomCapacity must be between 2 and 1024 (was {options.MaxRoomCapacity}).");
        Require(options.DefaultRoomCapacity >= 2 && options.DefaultRoomCapacity <= options.MaxRoomCapacity, $"DefaultRoomCapacity must be between 2 and MaxRoomCapacity ({options.MaxRoomCapacity}) (was {options.DefaultRoomCapacity}).");
        Require(options.MaxRoomsPerConnection is >= 1 and <= 10_000, $"MaxRoomsPerConnection must be between 1 and 10000 (was {options.MaxRoomsPerConnection}).");
        Require(options.SendQueueLimit >= 1, $"SendQueueLimit must be at least 1 (was {options.SendQueueLimit}).");
        Require(options.SendQueueByteLimit >= options.MaxMessageSize, $"SendQueueByteLimit must be at least MaxMessageSize ({options.MaxMessageSize}) so one largest message fits (was {options.SendQueueByteLimit}).");
        Require(options.PartialMessageByteLimit >= 2L * options.MaxMessageSize, $"PartialMessageByteLimit must be at least twice MaxMessageSize ({2L * options.MaxMessageSize}) so one largest message can arrive in pieces (was {options.PartialMessageByteLimit}).");
        Require(options.PartialMessageTimeout > TimeSpan.Zero, $"PartialMessageTimeout must be positive (was {options.PartialMessageTimeout}).");
        Require(options.TotalSendQueueByteLimit >= options.SendQueueByteLimit, $"TotalSendQueueByteLimit must be at least SendQueueByteLimit ({options.SendQueueByteLimit}) (was {options.TotalSendQueueByteLimit}).");
        Require(options.MemoryTrimThreshold >= 0, $"MemoryTrimThreshold must be 0 (off) or more (was {options.MemoryTrimThreshold}).");
        Require(options.ResumeGracePeriod >= TimeSpan.Zero && options.ResumeGracePeriod <= TimeSpan.FromHours(1), $"ResumeGracePeriod must be between 0 (resume off) and 01:00:00 (was {options.ResumeGracePeriod}).");
        Require(options.ResumeBufferLimit >= 1, $"ResumeBufferLimit must be at least 1 (was {options.ResumeBufferLimit}).");
        Require(options.ResumeBufferByteLimit >= 1, $"ResumeBufferByteLimit must be at least 1 (was {options.ResumeBufferByteLimit}).");
        Require(options.FramesPerTurn is >= 1 and <= 65_536, $"FramesPerTurn must be between 1 and 65536 (was {options.FramesPerTurn}).");
        Require(options.SendTimeout > TimeSpan.Zero, $"SendTimeout must be positive (was {options.SendTimeout}).");
        Require(options.KeepAliveInterval > TimeSpan.Zero, $"KeepAliveInterval must be positive (was {options.KeepAliveInterval}).");
        Require(options.KeepAliveTimeout > TimeSpan.Zero, $"KeepAliveTimeout must be positive (was {options.KeepAliveTimeout}).");
        Require(options.HandshakeTimeout > TimeSpan.Zero, $"HandshakeTimeout must be positive (was {options.HandshakeTimeout}).");
        Require(options.IoThreads is >= 0 and <= 1024, $"IoThreads must be between 0 (one per processor) and 1024 (was {options.IoThreads}).");
        Require(options.CloseTimeout > TimeSpan.Zero, $"CloseTimeout must be positive (was {options.CloseTimeout}).");

        Require(options.DrainTimeout >= TimeSpan.Zero && options.DrainTimeout <= TimeSpan.FromHours(1), $"DrainTimeout must be between 00:00:00 and 01:00:00 (was {options.DrainTimeout}).");
        foreach (var proxy in options.KnownProxies)
        {
            Require(ClientAddressResolver.TryParseProxy(proxy, out _), $"KnownProxies entries must be an IP address or a network like 10.0.0.0/8 (was '{proxy}').");
        }

        foreach (var url in options.Metrics.Urls)
        {
            Require(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp, $"Metrics:Urls entries must be http:// URLs like http://127.0.0.1:9090 (was '{url}').");
        }

        MessageLimitOptionsValidator.Validate(options.MessageLimits, failures);
        Require(options.Admin.Token is null || options.Admin.Token.Length >= 16, "Admin:Token must be at least 16 characters when set (it guards the dashboard).");

        failures.AddRange(Auth.AuthOptionsValidator.Validate(options.Auth).Select(failure => $"{SwitchboardOptions.SectionName}:{failure}"));

        var pathBase = options.PathBase.Trim();
        Require(
            pathBase.Length == 0 || (pathBase[0] == '/' && !pathBase.Contains("//", StringComparison.Ordinal) && pathBase.IndexOfAny(['?', '#', '\\', ' ']) < 0),
            $"PathBase must be empty or a path that starts with '/', such as /switchboard (was '{options.PathBase}').");

        foreach (var path in options.Paths)
        {
            Require(!string.IsNullOrEmpty(path) && path[0] == '/', $"Paths entries must start with '/' (was '{path}').");
        }

        for (var i = 0; i < options.IceServers.Count; i++)
        {
            var server = options.IceServers[i];
            Require(server.Urls.Count > 0, $"IceServers:{i}:Urls must list at least one URL.");
            foreach (var url in server.Urls)
            {
                Require(
                    url.StartsWith("stun:", StringComparison.Ordinal) || url.StartsWith("turn:", StringComparison.Ordinal) || url.StartsWith("turns:", StringComparison.Ordinal),
                    $"IceServers:{i}:Urls entries must start with stun:, turn: or turns: (was '{url}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
