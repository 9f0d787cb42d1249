namespace Cloner.Web.Commands;

/// <summary>
/// PLACEHOLDER: the store engineer's command line (user and store maintenance) replaces this
/// file; until then no argument is a command and Cloner always starts the web host.
/// </summary>
public static class StoreCommand
{
    public static Task<int?> TryRunAsync(string[] args)
    {
        _ = args;
        return Task.FromResult<int?>(null);
    }
}
