using Cloner.Domain.Storage;
using Cloner.Infrastructure.Storage.Mongo;
using Cloner.Infrastructure.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Infrastructure.Storage;

public static class StoreRegistration
{
    /// <summary>The file of the embedded store inside DataDir.</summary>
    public const string DatabaseFileName = "cloner.db";

    /// <summary>
    /// Registers every store interface of Cloner.Domain.Storage: the MongoDB store when
    /// ConnectionStrings:Mongo is set, else the embedded SQLite store in DataDir/cloner.db.
    /// The store prepares its schema or indexes when first asked for, and the host asks for it
    /// before any hosted service starts, so a store that cannot be opened stops the start with
    /// its reason.
    /// </summary>
    public static IServiceCollection AddClonerStore(
        this IServiceCollection services,
        ClonerOptions options)
    {
        services.AddSingleton<IClonerStore>(sp => Open(options, Loggers(sp)));
        services.AddSingleton(sp => sp.GetRequiredService<IClonerStore>().Clones);
        services.AddSingleton(sp => sp.GetRequiredService<IClonerStore>().PortClaims);
        services.AddSingleton(sp => sp.GetRequiredService<IClonerStore>().StepEvents);
        services.AddSingleton(sp => sp.GetRequiredService<IClonerStore>().Components);
        services.AddSingleton(sp => sp.GetRequiredService<IClonerStore>().Users);
        services.AddSingleton(sp => sp.GetRequiredService<IClonerStore>().Audit);
        services.AddSingleton(sp => sp.GetRequiredService<IClonerStore>().Health);
        services.AddSingleton<StoreCopier>();
        services.AddSingleton<IHostedService, StoreStartup>();
        return services;
    }

    private static ILoggerFactory Loggers(IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

    private static IClonerStore Open(ClonerOptions options, ILoggerFactory loggers)
    {
        IClonerStore store = options.MongoConnectionString is { } mongo
            ? new MongoStore(mongo, loggers.CreateLogger<MongoStore>())
            : new SqliteStore(
                Path.Combine(options.DataDir, DatabaseFileName),
                loggers.CreateLogger<SqliteStore>());

        // A factory of the container cannot await. Neither store's start needs a
        // synchronization context, so waiting here cannot deadlock.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            store.InitializeAsync(timeout.Token).GetAwaiter().GetResult();
            return store;
        }
        catch
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Opens the store before any hosted service starts.</summary>
    private sealed class StoreStartup(IServiceProvider services) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<IClonerStore>();
            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
