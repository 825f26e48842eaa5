using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchboard.BrowserTests;

/// <summary>
/// Someone else's web site: a Kestrel of its own on 127.0.0.1 (another port, so another origin than the
/// Switchboard server's) that serves the pages a test gives it, as a page that imports switchboard.js
/// from the Switchboard server by its full URL would be served.
/// </summary>
public sealed class PageHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PageHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The origin a page of this site has, as the Switchboard server's AllowedOrigins names it.</summary>
    public string Origin => Address.GetLeftPart(UriPartial.Authority);

    /// <param name="pages">path (such as <c>/chat.html</c>) to HTML</param>
    public static async Task<PageHost> StartAsync(IReadOnlyDictionary<string, string> pages)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(async context =>
        {
            if (pages.TryGetValue(context.Request.Path.Value ?? "/", out var html))
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(html, context.RequestAborted);
            }
            else
            {
                // Also the favicon the browser asks for: a 404 would be logged as a page error.
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            }
        });
        await app.StartAsync().WaitAsync(BrowserTimeouts.Launch);
        var address = app.Urls.Single();
        return new PageHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
