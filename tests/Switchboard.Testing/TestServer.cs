using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Server;

namespace Switchboard.Testing;

/// <summary>
/// A real Kestrel running Switchboard on 127.0.0.1 with a port the OS picks. Disposing it fails the test
/// if the server logged an Error or Critical event the test did not expect (see <see cref="Logs"/>).
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri address, LogCapture logs)
    {
        _app = app;
        Logs = logs;
        HttpAddress = address;
        WebSocketAddress = new Uri($"ws://{address.Authority}/ws");
    }

    public Uri HttpAddress { get; }

    /// <summary>The <c>/ws</c> endpoint.</summary>
    public Uri WebSocketAddress { get; }

    public SwitchboardStats Stats => _app.Services.GetRequiredService<SwitchboardStats>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Every event the server logged at Warning and above.</summary>
    public LogCapture Logs { get; }

    /// <summary>Bytes the server holds right now for messages that have not completely arrived.</summary>
    public long ReceiveBudgetHeld => _app.Services.GetRequiredService<Switchboard.Server.Connections.ReceiveBufferBudget>().Held;

    /// <summary>
    /// Starts a server. By default upgrades are taken straight from the socket, as the shipped host does;
    /// tests that hold for any way in use <see cref="StartAsync(WayIn, Action{SwitchboardOptions}?)"/>.
    /// </summary>
    /// <param name="configure">The test's own options.</param>
    /// <param name="port">The port on 127.0.0.1; 0 (the default) lets the OS pick a free one.</param>
    /// <param name="protocols">What Kestrel speaks on the endpoint; <see cref="HttpProtocols.Http2"/> for HTTP/2 without TLS (prior knowledge).</param>
    /// <param name="services">Runs after <c>AddSwitchboard</c>: options classes of their own (<c>Switchboard:Turn</c>), a <see cref="TimeProvider"/> of the test's.</param>
    public static async Task<TestServer> StartAsync(Action<SwitchboardOptions>? configure = null, int port = 0, HttpProtocols protocols = HttpProtocols.Http1AndHttp2, Action<IServiceCollection>? services = null)
    {
        var logs = new LogCapture();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(FormattableString.Invariant($"http://127.0.0.1:{port}"));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = protocols));
        builder.WebHost.UseSwitchboardTransport();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSwitchboard(configure);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseSwitchboard();
        try
        {
            await app.StartAsync().DefaultTimeout();
        }
        catch
        {
            // A server that failed to bind must not keep its engine threads and services alive for the rest of the run.
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, new Uri(address), logs);
    }

    /// <summary>
    /// Starts a server reached the way <paramref name="wayIn"/> says; that choice is applied after
    /// <paramref name="configure"/>, so a test cannot run over the other way by accident.
    /// </summary>
    public static Task<TestServer> StartAsync(WayIn wayIn, Action<SwitchboardOptions>? configure = null, HttpProtocols protocols = HttpProtocols.Http1AndHttp2, Action<IServiceCollection>? services = null) =>
        StartAsync(
            o =>
            {
                configure?.Invoke(o);
                o.DirectWebSockets = wayIn == WayIn.Direct;
            },
            protocols: protocols,
            services: services);

    public Task<TestClient> ConnectAsync(string path = "/ws") =>
        TestClient.ConnectAsync(new Uri($"ws://{HttpAddress.Authority}{path}"));

    public Task StopAsync() => _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
        // Checked last, so errors logged while connections are torn down at shutdown count too.
        Logs.ThrowIfUnexpectedErrors("The server");
    }
}
