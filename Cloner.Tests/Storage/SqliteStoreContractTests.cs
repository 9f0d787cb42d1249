using Cloner.Infrastructure.Storage;
using Cloner.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using static Cloner.Tests.Storage.StoreSamples;

namespace Cloner.Tests.Storage;

public sealed class SqliteStoreContractTests : StoreContract
{
    private readonly TempFolder _folder = new();

    protected override async Task<IClonerStore> CreateStoreAsync()
    {
        var store = Open();
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override async Task DestroyStoreAsync(IClonerStore store)
    {
        await store.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Times_WithTicksAndAnOffset_RoundTripExactlyAsUtc()
    {
        var exact = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-7))
            .AddTicks(1_234_567);
        var clone = Clone("bot7") with { CreatedAt = exact, UpdatedAt = exact.AddTicks(1) };

        await Store.Clones.TryInsertAsync(clone, CancellationToken.None);
        var found = await Store.Clones.FindAsync("bot7", CancellationToken.None);

        Assert.Equal(exact.UtcTicks, found!.CreatedAt.UtcTicks);
        Assert.Equal(exact.UtcTicks + 1, found.UpdatedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, found.CreatedAt.Offset);
    }

    [Fact]
    public async Task Store_Initialized_IsInWalModeWithSchemaVersionOne()
    {
        await using var connection = Connect();
        await connection.OpenAsync();

        Assert.Equal("wal", await Scalar(connection, "PRAGMA journal_mode;"));
        Assert.Equal(1L, await Scalar(connection, "SELECT max(version) FROM schema_version;"));
    }

    [Fact]
    public async Task Store_ReopenedOnTheSameFile_KeepsItsRecords()
    {
        await Store.Clones.TryInsertAsync(Clone("bot7"), CancellationToken.None);

        await using var again = Open();
        await again.InitializeAsync(CancellationToken.None);

        AssertSame(Clone("bot7"), await again.Clones.FindAsync("bot7", CancellationToken.None));
    }

    [Fact]
    public async Task Store_WithANewerSchemaVersion_RefusesToStartAndNamesTheFile()
    {
        await using (var connection = Connect())
        {
            await connection.OpenAsync();
            await Scalar(
                connection,
                "INSERT INTO schema_version (version, applied_at) VALUES (99, 'x');");
        }

        await using var again = Open();
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => again.InitializeAsync(CancellationToken.None));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains(_folder.File("cloner.db"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_TwoInstancesOnOneFile_ShareTheClaims()
    {
        await using var second = Open();
        await second.InitializeAsync(CancellationToken.None);
        var claim = new Cloner.Domain.Storage.PortClaim(8100, "bot1", "http");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(n => Task.Run(() =>
            (n % 2 == 0 ? Store : second).PortClaims.TryClaimAsync(
                claim with { CloneName = $"bot{n}" },
                CancellationToken.None))));

        Assert.Single(results, won => won);
    }

    [Fact]
    public void Kind_OfTheEmbeddedStore_SaysSqlite()
    {
        Assert.Equal("embedded (SQLite)", Store.Health.Kind);
    }

    private SqliteStore Open() => new(_folder.File("cloner.db"), NullLogger<SqliteStore>.Instance);

    private SqliteConnection Connect() => new($"Data Source={_folder.File("cloner.db")}");

    private static async Task<object?> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
