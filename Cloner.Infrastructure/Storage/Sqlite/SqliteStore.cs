using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Every call opens a pooled connection of
/// its own with a busy timeout, so concurrent callers wait for the one writer instead of
/// failing; unique indexes decide who wins a claim.
/// </summary>
public sealed class SqliteStore : IClonerStore, IStoreHealth
{
    public const string KindName = "embedded (SQLite)";

    internal const int SchemaVersion = 1;

    private const int BusyTimeoutMs = 10_000;

    private readonly string _connectionString;
    private readonly ILogger<SqliteStore> _logger;

    public SqliteStore(string databasePath, ILogger<SqliteStore> logger)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();

        Clones = new SqliteCloneStore(this);
        PortClaims = new SqlitePortClaimStore(this);
        StepEvents = new SqliteStepEventStore(this);
        Components = new SqliteComponentStore(this);
        Users = new SqliteUserAccountStore(this);
        Audit = new SqliteAuditLog(this);
    }

    public string DatabasePath { get; }

    public string Location => DatabasePath;

    public string Kind => KindName;

    public ICloneStore Clones { get; }

    public IPortClaimStore PortClaims { get; }

    public IStepEventStore StepEvents { get; }

    public IComponentStore Components { get; }

    public IUserAccountStore Users { get; }

    public IAuditLog Audit { get; }

    public IStoreHealth Health => this;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        int version;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
            await using var connection = await OpenAsync(cancellationToken);
            await connection.Command("PRAGMA journal_mode=WAL;")
                .ExecuteNonQueryAsync(cancellationToken);
            version = await MigrateAsync(connection, cancellationToken);
        }
        catch (Exception e)
            when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException(
                $"The embedded store {DatabasePath} cannot be opened: {e.Message}. Check that the "
                + "folder is writable and the file is a Cloner database, or set Cloner:DataDir "
                + "to another folder.",
                e);
        }

        _logger.LogInformation(
            "Store ready: {Kind} at {Location}, schema version {SchemaVersion}",
            KindName,
            DatabasePath,
            version);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            var answer = await connection.Command("SELECT count(*) FROM schema_version;")
                .ExecuteScalarAsync(cancellationToken);
            return answer is long and > 0;
        }
        catch (SqliteException e)
        {
            _logger.LogWarning(e, "Store {Location} did not answer the health check", DatabasePath);
            return false;
        }
    }

    public async Task<IReadOnlyList<StepEvent>> ListAllStepEventsAsync(
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await SqliteStepEventStore.ReadAsync(
            connection.Command(SqliteStepEventStore.SelectAll + " ORDER BY clone_name, sequence;"),
            cancellationToken);
    }

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        foreach (var table in SqliteSchema.DataTables)
        {
            var command = connection.Command($"DELETE FROM {table};");
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        _logger.LogWarning("Store {Location} was cleared", DatabasePath);
    }

    public ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await connection
                .Command($"PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA synchronous=NORMAL;")
                .ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<int> MigrateAsync(
        SqliteConnection connection,
        CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction();
        await Run(SqliteSchema.VersionTable);
        var found = await connection.Command("SELECT max(version) FROM schema_version;")
            .ExecuteScalarAsync(cancellationToken);
        var version = found is long v ? (int)v : 0;
        if (version > SchemaVersion)
        {
            throw new StoreUnavailableException(
                $"The embedded store {DatabasePath} has schema version {version}, newer than "
                + $"this Cloner knows ({SchemaVersion}). Run a newer Cloner, or set "
                + "Cloner:DataDir to another folder.");
        }

        if (version < 1)
        {
            await Run(SqliteSchema.Version1);
            var record = connection.Command(
                "INSERT INTO schema_version (version, applied_at) VALUES (1, @at);",
                ("@at", SqliteValues.Time(DateTimeOffset.UtcNow)));
            record.Transaction = transaction;
            await record.ExecuteNonQueryAsync(cancellationToken);
            _logger.LogInformation("Store {Location}: schema version 1 created", DatabasePath);
        }

        await transaction.CommitAsync(cancellationToken);
        return SchemaVersion;

        async Task Run(string sql)
        {
            var command = connection.Command(sql);
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
