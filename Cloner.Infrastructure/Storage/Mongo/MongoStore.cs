using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cloner.Infrastructure.Storage.Mongo;

/// <summary>
/// The MongoDB store: one database (named by the connection string, <c>cloner</c> when it
/// names none) with a collection per kind of record and unique indexes as the claims. The
/// server-selection timeout is short, so an unreachable server fails the start within
/// seconds instead of hanging it.
/// </summary>
public sealed class MongoStore : IClonerStore, IStoreHealth
{
    public const string KindName = "MongoDB";

    public const string DefaultDatabase = "cloner";

    /// <summary>How long a call waits for a reachable server before it fails.</summary>
    public static readonly TimeSpan ServerSelectionTimeout = TimeSpan.FromSeconds(5);

    private readonly MongoClient _client;
    private readonly ILogger<MongoStore> _logger;
    private int _disposed;

    public MongoStore(string connectionString, ILogger<MongoStore> logger)
    {
        _logger = logger;
        var url = Parse(connectionString);
        Servers = string.Join(",", url.Servers.Select(s => $"{s.Host}:{s.Port}"));
        DatabaseName = string.IsNullOrEmpty(url.DatabaseName) ? DefaultDatabase : url.DatabaseName;

        var settings = MongoClientSettings.FromUrl(url);
        settings.ServerSelectionTimeout = ServerSelectionTimeout;
        settings.ConnectTimeout = ServerSelectionTimeout;
        _client = new MongoClient(settings);

        Database = _client.GetDatabase(DatabaseName);
        CloneDocuments = Database.GetCollection<BsonDocument>("clones");
        PortClaimDocuments = Database.GetCollection<BsonDocument>("portClaims");
        StepEventDocuments = Database.GetCollection<BsonDocument>("stepEvents");
        ComponentDocuments = Database.GetCollection<BsonDocument>("components");
        UserDocuments = Database.GetCollection<BsonDocument>("users");
        AuditDocuments = Database.GetCollection<BsonDocument>("audit");

        Clones = new MongoCloneStore(CloneDocuments);
        PortClaims = new MongoPortClaimStore(PortClaimDocuments);
        StepEvents = new MongoStepEventStore(StepEventDocuments);
        Components = new MongoComponentStore(ComponentDocuments);
        Users = new MongoUserAccountStore(UserDocuments);
        Audit = new MongoAuditLog(AuditDocuments);
    }

    /// <summary>The servers of the connection string as host:port, without credentials.</summary>
    public string Servers { get; }

    public string DatabaseName { get; }

    public string Location => $"{Servers}/{DatabaseName}";

    public string Kind => KindName;

    public ICloneStore Clones { get; }

    public IPortClaimStore PortClaims { get; }

    public IStepEventStore StepEvents { get; }

    public IComponentStore Components { get; }

    public IUserAccountStore Users { get; }

    public IAuditLog Audit { get; }

    public IStoreHealth Health => this;

    internal IMongoDatabase Database { get; }

    internal IMongoCollection<BsonDocument> CloneDocuments { get; }

    internal IMongoCollection<BsonDocument> PortClaimDocuments { get; }

    internal IMongoCollection<BsonDocument> StepEventDocuments { get; }

    internal IMongoCollection<BsonDocument> ComponentDocuments { get; }

    internal IMongoCollection<BsonDocument> UserDocuments { get; }

    internal IMongoCollection<BsonDocument> AuditDocuments { get; }

    private IEnumerable<IMongoCollection<BsonDocument>> AllCollections =>
    [
        CloneDocuments,
        PortClaimDocuments,
        StepEventDocuments,
        ComponentDocuments,
        UserDocuments,
        AuditDocuments,
    ];

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CreateIndexesAsync(cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new StoreUnavailableException(
                $"MongoDB at {Servers} did not answer within "
                + $"{ServerSelectionTimeout.TotalSeconds:0} s. "
                + "Check that MongoDB runs there and that ConnectionStrings:Mongo names it, or "
                + "unset ConnectionStrings:Mongo to use the embedded store.",
                e);
        }
        catch (MongoException e)
        {
            throw new StoreUnavailableException(
                $"MongoDB at {Servers} refused to prepare database {DatabaseName} "
                + $"({e.GetType().Name}). Check the user and rights in ConnectionStrings:Mongo.",
                e);
        }

        _logger.LogInformation("Store ready: {Kind} at {Location}", KindName, Location);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var answer = await Database.RunCommandAsync<BsonDocument>(
                new BsonDocument("ping", 1),
                cancellationToken: cancellationToken);
            return answer.GetValue("ok", 0).ToDouble() >= 1;
        }
        catch (Exception e) when (e is TimeoutException or MongoException)
        {
            _logger.LogWarning(e, "Store {Location} did not answer the health check", Location);
            return false;
        }
    }

    public async Task<IReadOnlyList<StepEvent>> ListAllStepEventsAsync(
        CancellationToken cancellationToken)
    {
        var documents = await StepEventDocuments
            .Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(Builders<BsonDocument>.Sort.Ascending("clone").Ascending("sequence"))
            .ToListAsync(cancellationToken);
        return [.. documents.Select(MongoDocuments.ToStepEvent)];
    }

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        foreach (var collection in AllCollections)
        {
            await collection.DeleteManyAsync(
                FilterDefinition<BsonDocument>.Empty,
                cancellationToken);
        }

        _logger.LogWarning("Store {Location} was cleared", Location);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _client.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static MongoUrl Parse(string connectionString)
    {
        try
        {
            return MongoUrl.Create(connectionString);
        }
        catch (Exception e)
            when (e is MongoConfigurationException or ArgumentException or FormatException)
        {
            // The driver's message repeats the connection string, password and all, so it is
            // not passed on.
            throw new StoreUnavailableException(
                "ConnectionStrings:Mongo is not a MongoDB connection string; write it as "
                + "mongodb://host:port/database.");
        }
    }

    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        await Unique(CloneDocuments, "name_unique", Keys.Ascending("name"));
        await Unique(PortClaimDocuments, "port_unique", Keys.Ascending("port"));
        await PortClaimDocuments.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                Keys.Ascending("clone"),
                new CreateIndexOptions { Name = "clone" }),
            cancellationToken: cancellationToken);
        await Unique(
            StepEventDocuments,
            "clone_sequence_unique",
            Keys.Ascending("clone").Ascending("sequence"));
        await Unique(
            ComponentDocuments,
            "clone_component_unique",
            Keys.Ascending("clone").Ascending("component"));
        await Unique(
            UserDocuments,
            "normalizedUserName_unique",
            Keys.Ascending("normalizedUserName"));
        await AuditDocuments.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                Keys.Descending("at"),
                new CreateIndexOptions { Name = "at" }),
            cancellationToken: cancellationToken);

        Task Unique(
            IMongoCollection<BsonDocument> collection,
            string name,
            IndexKeysDefinition<BsonDocument> keys) =>
            collection.Indexes.CreateOneAsync(
                new CreateIndexModel<BsonDocument>(
                    keys,
                    new CreateIndexOptions { Name = name, Unique = true }),
                cancellationToken: cancellationToken);
    }

    private static IndexKeysDefinitionBuilder<BsonDocument> Keys =>
        Builders<BsonDocument>.IndexKeys;
}
