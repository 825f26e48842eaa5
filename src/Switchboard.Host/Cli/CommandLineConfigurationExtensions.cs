using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Switchboard.Host.Cli;

internal static class CommandLineConfigurationExtensions
{
    /// <summary>
    /// Adds what the command line gave: the <c>--config</c> file right after appsettings.json (so the
    /// environment still overrides it), and the flags as the last source (so they override everything).
    /// Also keeps a failed start to the one line <see cref="StartupFailure"/> prints.
    /// </summary>
    public static void AddSwitchboardCommandLine(this WebApplicationBuilder builder, ParsedCommandLine command)
    {
        if (command.ConfigFile is { } path)
        {
            var sources = builder.Configuration.Sources;
            var afterAppSettings = 0;
            for (var i = 0; i < sources.Count; i++)
            {
                if (sources[i] is JsonConfigurationSource)
                {
                    afterAppSettings = i + 1;
                }
            }

            sources.Insert(afterAppSettings, new JsonConfigurationSource
            {
                FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(path)!),
                Path = Path.GetFileName(path),
                Optional = false,
                ReloadOnChange = false,
            });
        }

        builder.Configuration.AddInMemoryCollection(command.Settings);

        var quiet = new HostingFailureFilter();
        builder.Services.AddSingleton<IHostedService>(quiet);
        builder.Logging.AddFilter(HostingFailureFilter.Category, quiet.Allows);
    }
}
