namespace Switchboard.Host;

internal static class ListenPortExtensions
{
    public const int DefaultPort = 8080;

    /// <summary>
    /// Listens on all interfaces on <c>--port N</c>, else the <c>PORT</c> environment variable, else 8080.
    /// An explicit <c>--urls</c> (or <c>ASPNETCORE_URLS</c>) wins over both. With <c>Switchboard:Tls</c> set
    /// the port serves HTTPS and WSS; <c>https://</c> URLs get the same certificate through Kestrel's defaults.
    /// </summary>
    public static void ConfigureListenPort(this WebApplicationBuilder builder)
    {
        if (!string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            return;
        }

        // Configuration keys are case-insensitive: "--port" and the PORT variable are the same key,
        // and the command line is added last, so it wins.
        var text = builder.Configuration["port"];
        var port = DefaultPort;
        if (!string.IsNullOrEmpty(text) && (!int.TryParse(text, out port) || port is < 0 or > 65535))
        {
            throw new InvalidOperationException($"--port / PORT must be a number from 0 to 65535 (was '{text}').");
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port, listen => listen.UseSwitchboardTls()));
    }
}
