using System.Text;
using Cloner.Domain.Clones;
using Cloner.Infrastructure.Processes;

namespace Cloner.Web.Api;

/// <summary>
/// <c>GET /api/clones/{name}/components/{component}/logfile</c>: the component's current stdout
/// and stderr log files as one text/plain attachment, their lines in time order and each
/// stderr line marked <c>[stderr]</c> after its time stamp (the rotated backups are not
/// included).
/// </summary>
public static class LogFileEndpoint
{
    public const string ErrorMark = "[stderr] ";

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/clones/{name}/components/{component}/logfile", GetAsync);

    private static async Task<IResult> GetAsync(
        string name,
        string component,
        CloneService clones,
        CancellationToken cancellationToken)
    {
        // Throws for an unknown clone or component, which the exception handler answers.
        var (output, errors) = await clones.LogFilesAsync(name, component, cancellationToken);
        var download = $"{name}-{component}.log";
        if (!File.Exists(output) && !File.Exists(errors))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No log file yet",
                detail: $"Component '{component}' of clone '{name}' has not written a log " +
                    "file yet; start it and try again.");
        }

        // Merged in memory (two files of at most 10 MB each), so the answer has its length.
        var merged = new MemoryStream();
        await MergeAsync(output, errors, merged, cancellationToken);
        merged.Position = 0;
        return Results.File(merged, "text/plain; charset=utf-8", download);
    }

    /// <summary>
    /// Writes the lines of both files in the order of their stamps; at the same stamp stdout's
    /// come first, and a line without a stamp stays after the line before it.
    /// </summary>
    public static async Task MergeAsync(
        string output, string errors, Stream destination, CancellationToken cancellationToken)
    {
        using var outLines = Open(output);
        using var errLines = Open(errors);
        await using var writer = new StreamWriter(destination, new UTF8Encoding(false),
            leaveOpen: true);
        var nextOut = await ReadAsync(outLines, cancellationToken);
        var nextErr = await ReadAsync(errLines, cancellationToken);
        string outStamp = "", errStamp = "";
        while (nextOut is not null || nextErr is not null)
        {
            // svlogd -tt's stamps (2026-12-03_18:29:52.83150) sort as text.
            outStamp = nextOut is null ? outStamp : LogRelay.StampOf(nextOut) ?? outStamp;
            errStamp = nextErr is null ? errStamp : LogRelay.StampOf(nextErr) ?? errStamp;
            if (nextErr is null
                || (nextOut is not null && string.CompareOrdinal(outStamp, errStamp) <= 0))
            {
                await writer.WriteLineAsync(nextOut);
                nextOut = await ReadAsync(outLines, cancellationToken);
            }
            else
            {
                await writer.WriteLineAsync(LogRelay.StampOf(nextErr) is { } stamp
                    ? string.Concat(stamp, " ", ErrorMark, nextErr.AsSpan(LogRelay.StampLength))
                    : ErrorMark + nextErr);
                nextErr = await ReadAsync(errLines, cancellationToken);
            }
        }
    }

    private static StreamReader? Open(string path)
    {
        try
        {
            // The files are still being written; a share mode that lets the writer go on.
            return new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static async Task<string?> ReadAsync(
        StreamReader? reader, CancellationToken cancellationToken) =>
        reader is null ? null : await reader.ReadLineAsync(cancellationToken);
}
