using Cloner.Infrastructure.Storage;
using Cloner.Infrastructure.Storage.Mongo;
using Cloner.Infrastructure.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;

namespace Cloner.Tests.Storage;

/// <summary>
/// The contract against a real MongoDB named by CLONER_TEST_MONGO, each test in a database of
/// its own that is dropped afterwards. Without the variable every test reports Skipped.
/// </summary>
public sealed class MongoStoreContractTests : StoreContract
{
    public const string Variable = "CLONER_TEST_MONGO";

    private static readonly string? ConnectionString =
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    protected override string? Unavailable =>
        ConnectionString is null ? "set CLONER_TEST_MONGO to a MongoDB connection string" : null;

    protected override async Task<IClonerStore> CreateStoreAsync()
    {
        var url = new MongoUrlBuilder(ConnectionString)
        {
            DatabaseName = $"cloner_test_{Guid.NewGuid():N}",
        };
        var store = new MongoStore(url.ToString(), NullLogger<MongoStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override async Task DestroyStoreAsync(IClonerStore store)
    {
        var mongo = (MongoStore)store;
        await mongo.Database.Client.DropDatabaseAsync(mongo.DatabaseName);
        await store.DisposeAsync();
    }

    [SkippableFact]
    public void Kind_OfTheMongoStore_SaysMongoDb()
    {
        Skip.If(Unavailable is not null, Unavailable);

        Assert.Equal("MongoDB", Store.Health.Kind);
    }

    [SkippableFact]
    public async Task Copy_FromTheEmbeddedStore_ArrivesWhole()
    {
        Skip.If(Unavailable is not null, Unavailable);
        using var folder = new TempFolder();
        await using var embedded = new SqliteStore(
            folder.File("cloner.db"),
            NullLogger<SqliteStore>.Instance);
        await embedded.InitializeAsync(CancellationToken.None);
        await embedded.Clones.TryInsertAsync(StoreSamples.Clone("bot7"), CancellationToken.None);
        await embedded.StepEvents.AppendAsync(StoreSamples.Step("bot7", 1), CancellationToken.None);
        await embedded.Users.TryCreateAsync(StoreSamples.User("admin"), CancellationToken.None);

        var counts = await new StoreCopier(NullLogger<StoreCopier>.Instance)
            .CopyAsync(embedded, Store, overwrite: false, CancellationToken.None);

        Assert.Equal(new StoreCopyCounts(1, 0, 1, 0, 1, 0), counts);
        StoreSamples.AssertSame(
            StoreSamples.Clone("bot7"),
            await Store.Clones.FindAsync("bot7", CancellationToken.None));
        Assert.Equal(
            [StoreSamples.Step("bot7", 1)],
            await Store.StepEvents.ListAsync("bot7", CancellationToken.None));
        Assert.Equal(1, await Store.Users.CountAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task Indexes_AfterStart_IncludeTheUniqueClaims()
    {
        Skip.If(Unavailable is not null, Unavailable);
        var mongo = (MongoStore)Store;

        var names = new List<string>();
        string[] collections = ["clones", "portClaims", "stepEvents", "components", "users"];
        foreach (var collection in collections)
        {
            var indexes = await mongo.Database.GetCollection<MongoDB.Bson.BsonDocument>(collection)
                .Indexes.ListAsync();
            names.AddRange((await indexes.ToListAsync())
                .Where(i => i.GetValue("unique", false).ToBoolean())
                .Select(i => i["name"].AsString));
        }

        Assert.Equal(
            ["name_unique", "port_unique", "clone_sequence_unique", "clone_component_unique",
                "normalizedUserName_unique"],
            names);
    }
}
