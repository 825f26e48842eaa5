using Switchboard.Host;
using Switchboard.Host.Cli;

// --help, --version and a mistake in the flags end here, before anything starts.
var command = SwitchboardCommandLine.Parse(args, Console.Out, Console.Error);
if (command.ExitCode is { } exitCode)
{
    return exitCode;
}

SocketEngine.PreferInlineCompletions();

WebApplication? app = null;
try
{
    // Content root is the app's own folder, so an appsettings.json beside the binary is found wherever it is started from
    // (the web app is inside the binary).
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });

    builder.AddDefaultLogLevels();
    builder.AddSwitchboardCommandLine(command);
    builder.ConfigureListenPort();
    builder.WebHost.UseSwitchboardTransport();
    builder.Services.AddSwitchboard();
    builder.Services.AddHostedService<StartupBanner>();

    app = builder.Build();

    app.UseSwitchboardPathBase();
    app.UseSwitchboard();
    app.UseSwitchboardWebApp();

    await app.StartAsync();
}
catch (Exception error)
{
    // Configuration mistakes surface here (binding, validation, --config, certificates, a port in use).
    var status = StartupFailure.Report(error, Console.Error);
    await StartupFailure.DisposeQuietlyAsync(app);
    return status;
}

await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;
