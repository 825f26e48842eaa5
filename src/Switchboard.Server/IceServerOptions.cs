namespace Switchboard.Server;

/// <summary>One entry of <see cref="SwitchboardOptions.IceServers"/>, in the shape of the browser's <c>RTCIceServer</c>.</summary>
public sealed class IceServerOptions
{
    /// <summary>One or more <c>stun:</c>, <c>turn:</c> or <c>turns:</c> URLs.</summary>
    public IList<string> Urls { get; set; } = [];

    /// <summary>TURN user name, if the server needs one.</summary>
    public string? Username { get; set; }

    /// <summary>TURN password, if the server needs one.</summary>
    public string? Credential { get; set; }
}
