using Microsoft.Extensions.Configuration.Memory;

namespace Switchboard.Host;

internal static class DefaultLogLevels
{
    /// <summary>
    /// The log levels of appsettings.json, as the first configuration source: a binary copied to a server
    /// on its own has no appsettings.json, and would otherwise log every HTTP request at Information.
    /// Every later source (a file, the environment, flags) still overrides them.
    /// </summary>
    public static void AddDefaultLogLevels(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            },
        });
    }
}
