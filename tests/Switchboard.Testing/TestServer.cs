using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Server;

namespace Switchboard.Testing;

/// <summary>A real Kestrel running Switchboard on 127.0.0.1 with a port the OS picks.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri address)
    {
        _app = app;
        HttpAddress = address;
        WebSocketAddress = new Uri($"ws://{address.Authority}/ws");
    }

    public Uri HttpAddress { get; }

    /// <summary>The <c>/ws</c> endpoint.</summary>
    public Uri WebSocketAddress { get; }

    public SwitchboardStats Stats => _app.Services.GetRequiredService<SwitchboardStats>();

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a server. By default upgrades are taken straight from the socket, as the shipped host does;
    /// set <see cref="SwitchboardOptions.DirectWebSockets"/> to false to test the HTTP-pipeline path.
    /// </summary>
    /// <param name="port">The port on 127.0.0.1; 0 (the default) lets the OS pick a free one.</param>
    public static async Task<TestServer> StartAsync(Action<SwitchboardOptions>? configure = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(FormattableString.Invariant($"http://127.0.0.1:{port}"));
        builder.WebHost.UseSwitchboardTransport();
        builder.Logging.ClearProviders();
        builder.Services.AddSwitchboard(configure);
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
        return new TestServer(app, new Uri(address));
    }

    public Task<TestClient> ConnectAsync(string path = "/ws") =>
        TestClient.ConnectAsync(new Uri($"ws://{HttpAddress.Authority}{path}"));

    public Task StopAsync() => _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}
