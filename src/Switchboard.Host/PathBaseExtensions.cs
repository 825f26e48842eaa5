using Microsoft.Extensions.Options;
using Switchboard.Server;

namespace Switchboard.Host;

internal static class PathBaseExtensions
{
    // Operator endpoints stay at the root as well: a local health check (supervisord, a container's
    // HEALTHCHECK, a load balancer talking to the backend directly) or a scraper should not need to know
    // where a proxy mounts the app.
    private static readonly PathString[] _rootPaths = ["/healthz", "/readyz", "/metrics"];

    /// <summary>
    /// Serves everything under <c>Switchboard:PathBase</c> (e.g. <c>/switchboard</c>, for a shared host
    /// whose proxy maps <c>https://me.host/switchboard/</c> to this backend without stripping the prefix).
    /// Requests outside the base get 404, so the app is not also served at the root; the web app builds
    /// its signaling URL and share links from where it was loaded, so it needs nothing else. Empty (the
    /// default) leaves the pipeline as it is. Must be the first middleware.
    /// </summary>
    public static WebApplication UseSwitchboardPathBase(this WebApplication app)
    {
        // SwitchboardOptions holds the setting and its rule (SwitchboardOptionsValidator): reading it here
        // validates it, so a bad value stops the start with the validator's one line.
        var configured = app.Services.GetRequiredService<IOptions<SwitchboardOptions>>().Value.PathBase.Trim().TrimEnd('/');
        var pathBase = configured.Length == 0 ? PathString.Empty : new PathString(configured);
        if (!pathBase.HasValue)
        {
            return app;
        }

        app.UsePathBase(pathBase);
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (request.PathBase.StartsWithSegments(pathBase, StringComparison.OrdinalIgnoreCase) || _rootPaths.Contains(request.Path))
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        // WebApplication runs routing before the first middleware unless told otherwise: routing again
        // here makes endpoints match the path with the base taken off.
        app.UseRouting();
        return app;
    }
}
