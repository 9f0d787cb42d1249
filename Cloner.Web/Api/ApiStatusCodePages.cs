using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace Cloner.Web.Api;

/// <summary>
/// What an answer without a body gets: under <c>/api</c> a problem details JSON naming the
/// request (an unknown API path is 404 with the path, never the HTML not-found page); anywhere
/// else the dashboard's not-found page, rendered by re-executing the request.
/// </summary>
public static class ApiStatusCodePages
{
    private const int PathShownLimit = 300;

    public static IApplicationBuilder UseClonerStatusCodePages(
        this IApplicationBuilder app,
        string notFoundPage)
    {
        app.UseWhen(IsApi, api => api.UseStatusCodePages(WriteProblemAsync));
        app.UseWhen(context => !IsApi(context), pages => pages.UseStatusCodePagesWithReExecute(
            notFoundPage, createScopeForStatusCodePages: true));
        return app;
    }

    private static bool IsApi(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api");

    private static Task WriteProblemAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var path = Shown($"{http.Request.PathBase}{http.Request.Path}");
        var method = http.Request.Method;
        var matched = http.GetEndpoint() is not null;
        var (title, detail) = status switch
        {
            StatusCodes.Status404NotFound when !matched => ("Unknown API path",
                $"No API call answers {method} {path}; check the path (the calls are " +
                "api/session, api/blueprints and api/clones with their sub-paths)."),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed",
                $"{path} does not answer {method}; check the method of the call."),
            _ => (ReasonPhrases.GetReasonPhrase(status),
                $"{method} {path} answered {status} without a body."),
        };

        return TypedResults.Problem(detail, instance: path, statusCode: status, title: title)
            .ExecuteAsync(http);
    }

    private static string Shown(string path) =>
        path.Length <= PathShownLimit ? path : path[..PathShownLimit] + "...";
}
