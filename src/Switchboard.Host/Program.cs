using Switchboard.Host;

SocketEngine.PreferInlineCompletions();

// Content root is the app's own folder, so wwwroot and appsettings.json are found wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.ConfigureListenPort();
builder.WebHost.UseSwitchboardTransport();
builder.Services.AddSwitchboard();
builder.Services.AddHostedService<StartupBanner>();

var app = builder.Build();

app.UseSwitchboard();
app.UseSwitchboardWebApp();

app.Run();
