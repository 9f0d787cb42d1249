using Cloner.Infrastructure.Storage.Mongo;
using Cloner.Infrastructure.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Storage;

/// <summary>
/// A store named on a command line: <c>sqlite:&lt;path to cloner.db&gt;</c> or
/// <c>mongo:&lt;connection string&gt;</c>.
/// </summary>
public sealed record StoreAddress(string Kind, string Target)
{
    public const string Sqlite = "sqlite";
    public const string Mongo = "mongo";

    public static StoreAddress Parse(string text, string option)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon > 0 ? text[..colon] : "";
        var target = colon > 0 ? text[(colon + 1)..] : "";
        if (kind is not (Sqlite or Mongo) || target.Length == 0)
        {
            throw new ArgumentException(
                $"{option} must be sqlite:<path to cloner.db> or mongo:<connection string>.");
        }

        return new StoreAddress(kind, kind == Sqlite ? Path.GetFullPath(target) : target);
    }

    /// <summary>
    /// Opens and prepares the store. A source must exist already: a missing SQLite file is
    /// refused rather than created empty.
    /// </summary>
    public async Task<IClonerStore> OpenAsync(
        bool mustExist,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (Kind == Sqlite && mustExist && !File.Exists(Target))
        {
            throw new StoreUnavailableException($"There is no embedded store at {Target}.");
        }

        IClonerStore store = Kind == Sqlite
            ? new SqliteStore(Target, loggers.CreateLogger<SqliteStore>())
            : new MongoStore(Target, loggers.CreateLogger<MongoStore>());
        try
        {
            await store.InitializeAsync(cancellationToken);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }
}
