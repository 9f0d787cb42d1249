using Cloner.Domain.Clones;

namespace Cloner.Web.Api;

/// <summary>
/// <c>GET /api/clones/{name}/components/{component}/logfile</c>: the component's whole current
/// log file as a text/plain attachment (the rotated backups are not included).
/// </summary>
public static class LogFileEndpoint
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/clones/{name}/components/{component}/logfile", GetAsync);

    private static async Task<IResult> GetAsync(
        string name,
        string component,
        CloneService clones,
        CancellationToken cancellationToken)
    {
        // Throws for an unknown clone or component, which the exception handler answers.
        var path = await clones.LogFileAsync(name, component, cancellationToken);
        var download = $"{name}-{component}.log";
        if (!File.Exists(path))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No log file yet",
                detail: $"Component '{component}' of clone '{name}' has not written a log " +
                    "file yet; start it and try again.");
        }

        // The file is still being written; a share mode that lets the writer go on is used.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete);
        return Results.File(stream, "text/plain; charset=utf-8", download);
    }
}
