using Microsoft.Extensions.DependencyInjection;

namespace Switchboard.Server.Hosting;

internal sealed class SwitchboardBuilder(IServiceCollection services) : ISwitchboardBuilder
{
    public IServiceCollection Services { get; } = services;
}
