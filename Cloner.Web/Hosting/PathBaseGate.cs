namespace Cloner.Web.Hosting;

public static class PathBaseGate
{
    /// <summary>
    /// Serves Cloner under its PathBase only: <c>/</c> and the bare PathBase redirect to
    /// <c>{base}/</c>, <c>/healthz</c> also answers at the root, anything else outside is 404.
    /// </summary>
    public static IApplicationBuilder UseClonerPathBase(
        this IApplicationBuilder app, string pathBase)
    {
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            var method = context.Request.Method;
            var isRead = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
            if (isRead && (path == "/" || path == pathBase))
            {
                context.Response.Redirect($"{pathBase}/{context.Request.QueryString}");
                return Task.CompletedTask;
            }

            if (path.StartsWithSegments(pathBase) || path == "/healthz")
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        app.UsePathBase(pathBase);
        return app;
    }
}
