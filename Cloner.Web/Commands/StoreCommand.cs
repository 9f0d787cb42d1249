using Cloner.Infrastructure.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Web.Commands;

/// <summary>
/// <c>cloner copy-store --from &lt;store&gt; --to &lt;store&gt; [--overwrite]</c>: copies all
/// metadata between stores, where a store is <c>sqlite:&lt;path to cloner.db&gt;</c> or
/// <c>mongo:&lt;connection string&gt;</c>. Run it while Cloner is stopped, so that nothing
/// changes the source during the copy.
/// </summary>
public static class StoreCommand
{
    public const string Name = "copy-store";

    private const string Usage =
        "usage: copy-store --from sqlite:<path to cloner.db>|mongo:<connection string> "
        + "--to sqlite:<path>|mongo:<connection string> [--overwrite]";

    /// <summary>The exit code, or null when the arguments are another command.</summary>
    public static async Task<int?> TryRunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != Name)
        {
            return null;
        }

        return await RunAsync(args[1..], Console.Out, Console.Error);
    }

    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        if (!TryParse(args, out var from, out var to, out var overwrite, out var problem))
        {
            await errors.WriteLineAsync(problem);
            await errors.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            await using var source = await from.OpenAsync(
                mustExist: true,
                NullLoggerFactory.Instance,
                CancellationToken.None);
            await using var target = await to.OpenAsync(
                mustExist: false,
                NullLoggerFactory.Instance,
                CancellationToken.None);
            var copier = new StoreCopier(NullLogger<StoreCopier>.Instance);
            var counts = await copier.CopyAsync(source, target, overwrite, CancellationToken.None);
            await output.WriteLineAsync(
                $"Copied {counts} from {source.Health.Kind} {source.Location} "
                + $"to {target.Health.Kind} {target.Location}.");
            return 0;
        }
        catch (Exception e)
            when (e is StoreUnavailableException or StoreNotEmptyException or ArgumentException)
        {
            await errors.WriteLineAsync(e.Message);
            return 1;
        }
        catch (Exception e)
        {
            await errors.WriteLineAsync($"copy-store failed ({e.GetType().Name}): {e.Message}");
            return 1;
        }
    }

    private static bool TryParse(
        string[] args,
        out StoreAddress from,
        out StoreAddress to,
        out bool overwrite,
        out string problem)
    {
        from = to = null!;
        overwrite = false;
        problem = "";
        string? fromText = null;
        string? toText = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--from" when i + 1 < args.Length:
                    fromText = args[++i];
                    break;
                case "--to" when i + 1 < args.Length:
                    toText = args[++i];
                    break;
                case "--overwrite":
                    overwrite = true;
                    break;
                default:
                    // Only options are repeated back: a stray value may be a connection string
                    // with a password in it.
                    problem = args[i].StartsWith("--", StringComparison.Ordinal)
                        ? $"copy-store does not know the option {args[i]} or it lacks its value."
                        : $"copy-store found a value where it expected an option "
                            + $"(argument {i + 2}).";
                    return false;
            }
        }

        if (fromText is null || toText is null)
        {
            problem = "copy-store needs both --from and --to.";
            return false;
        }

        try
        {
            from = StoreAddress.Parse(fromText, "--from");
            to = StoreAddress.Parse(toText, "--to");
            return true;
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
            return false;
        }
    }
}
