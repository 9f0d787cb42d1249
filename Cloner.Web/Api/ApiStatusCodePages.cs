using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Routing.Template;
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
        if (status == StatusCodes.Status404NotFound && !matched
            && MethodsAt(http) is { Count: > 0 } allowed)
        {
            status = StatusCodes.Status405MethodNotAllowed;
            http.Response.Headers.Allow = string.Join(", ", allowed);
        }

        var (title, detail) = status switch
        {
            StatusCodes.Status404NotFound when !matched => ("Unknown API path",
                $"No API call answers {method} {path}; check the path (the calls are " +
                "api/session, api/blueprints, api/host and api/clones with their sub-paths)."),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed",
                $"{path} does not answer {method}; check the method of the call."),
            _ => (ReasonPhrases.GetReasonPhrase(status),
                $"{method} {path} answered {status} without a body."),
        };

        return TypedResults.Problem(detail, instance: path, statusCode: status, title: title)
            .ExecuteAsync(http);
    }

    /// <summary>
    /// The methods of the API calls whose route matches the request's path. Routing finds them
    /// itself and answers 405, except where a GET endpoint outside the API could take the path:
    /// in Development the static assets' fallback <c>{**path:file}</c> does, and routing then
    /// answers 404 to a GET of a path that only answers POST.
    /// </summary>
    private static List<string> MethodsAt(HttpContext http)
    {
        var endpoints = http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints;
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern;
            if (pattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) != true
                || endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } accepted)
            {
                continue;
            }

            var matcher = new TemplateMatcher(
                new RouteTemplate(pattern), new RouteValueDictionary(pattern.Defaults));
            if (matcher.TryMatch(http.Request.Path, []))
            {
                methods.UnionWith(accepted.HttpMethods);
            }
        }

        return [.. methods];
    }

    private static string Shown(string path) =>
        path.Length <= PathShownLimit ? path : path[..PathShownLimit] + "...";
}
