namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What <c>AddSwitchboard()</c> returns, so features that extend the server (a backplane, a protocol
/// dialect, TLS) are added next to it: <c>services.AddSwitchboard().AddRedisBackplane()</c>.
/// </summary>
public interface ISwitchboardBuilder
{
    /// <summary>The services the server was added to.</summary>
    IServiceCollection Services { get; }
}
