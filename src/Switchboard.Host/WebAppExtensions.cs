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
            OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
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
        return types;
    }
}
