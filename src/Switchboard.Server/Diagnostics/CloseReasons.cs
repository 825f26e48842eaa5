using System.Net.WebSockets;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Diagnostics;

/// <summary>The stable names of <see cref="CloseReason"/>: a metric tag and a log field, part of the contract like event names.</summary>
internal static class CloseReasons
{
    public const int Count = (int)CloseReason.Replaced + 1;

    private static readonly string[] _names =
        ["client-gone", "client", "client-gone", "keepalive", "slow-consumer", "too-big", "protocol", "policy", "server-busy", "shutdown", "rate-limited", "unauthorized", "internal-error", "replaced"];

    public static string Name(CloseReason reason) => _names[(int)reason];

    /// <summary>What a close status the server sends says about why it closed.</summary>
    public static CloseReason ForStatus(WebSocketCloseStatus status) => status switch
    {
        CloseCodes.SlowConsumer => CloseReason.SlowConsumer,
        CloseCodes.Replaced => CloseReason.Replaced,
        WebSocketCloseStatus.MessageTooBig => CloseReason.TooBig,
        WebSocketCloseStatus.ProtocolError or WebSocketCloseStatus.InvalidPayloadData or WebSocketCloseStatus.InvalidMessageType => CloseReason.Protocol,
        WebSocketCloseStatus.PolicyViolation => CloseReason.Policy,
        CloseCodes.TryAgainLater => CloseReason.ServerBusy,
        CloseCodes.ServiceRestart or WebSocketCloseStatus.EndpointUnavailable => CloseReason.Shutdown,
        WebSocketCloseStatus.InternalServerError => CloseReason.InternalError,
        _ => CloseReason.Shutdown,
    };
}
