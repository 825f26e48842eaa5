using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Switchboard.Host;

internal static class WebAppExtensions
{
    /// <summary>
    /// Serves the browser app (index.html at <c>/</c>, its modules, styles and icon) from the copy
    /// embedded in the switchboard binary, so the published single file is the whole product and a
    /// checkout, a test and a server all serve the same bytes. A checkout serves the embedded copy too:
    /// the content root is the build output, so an edit in wwwroot needed a build before as well.
    /// </summary>
    public static WebApplication UseSwitchboardWebApp(this WebApplication app)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(WebAppExtensions).Assembly, "wwwroot");
        app.Environment.WebRootFileProvider = files;

        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = ContentTypes(),
            // The file names carry no version, so a browser must ask again each time (a cheap 304 when
            // nothing changed): a cached main.js from the last release beside a new index.html breaks the app.
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers[HeaderNames.CacheControl] = "no-cache";
                // switchboard.js is meant to be imported by pages on other sites (docs/switchboard-js.md),
                // and a cross-origin module import is a CORS request. The files are public and fetched
                // without credentials, so any origin may read them; CORP lets pages that require it
                // (Cross-Origin-Embedder-Policy) load them too. The WebSocket keeps its own Origin check.
                if (context.Context.Request.Path.StartsWithSegments("/js", StringComparison.Ordinal))
                {
                    headers[HeaderNames.AccessControlAllowOrigin] = "*";
                    headers["Cross-Origin-Resource-Policy"] = "cross-origin";
                }
            },
        });
        return app;
    }

    private static FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        // Browsers run a module only with a JavaScript type; text/javascript is the one the HTML standard names.
        types.Mappings[".js"] = "text/javascript";
        types.Mappings[".mjs"] = "text/javascript";
        types.Mappings[".svg"] = "image/svg+xml";
        // The module's TypeScript declarations (switchboard.d.ts), which the default table takes for MPEG video.
        types.Mappings[".ts"] = "text/plain; charset=utf-8";
        return types;
    }
}
