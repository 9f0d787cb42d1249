using Cloner.Domain.Storage;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cloner.Tests.Storage;

public sealed class StoreRegistrationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Registration_WithoutMongo_OpensSqliteInAMissingDataDir()
    {
        var dataDir = _folder.File("data/nested");
        await using var services = new ServiceCollection()
            .AddClonerStore(Options(dataDir))
            .BuildServiceProvider();

        var clones = services.GetRequiredService<ICloneStore>();
        var health = services.GetRequiredService<IStoreHealth>();

        Assert.True(File.Exists(Path.Combine(dataDir, "cloner.db")));
        Assert.Equal("embedded (SQLite)", health.Kind);
        Assert.True(await health.PingAsync(CancellationToken.None));
        Assert.Same(services.GetRequiredService<IClonerStore>().Clones, clones);
        Assert.Same(clones, services.GetRequiredService<ICloneStore>());
    }

    [Fact]
    public async Task Registration_EveryStoreInterface_ResolvesOverOneFile()
    {
        await using var services = new ServiceCollection()
            .AddClonerStore(Options(_folder.Path))
            .BuildServiceProvider();

        await services.GetRequiredService<ICloneStore>()
            .TryInsertAsync(StoreSamples.Clone("bot7"), CancellationToken.None);
        await services.GetRequiredService<IPortClaimStore>()
            .TryClaimAsync(new PortClaim(8100, "bot7", "http"), CancellationToken.None);
        await services.GetRequiredService<IStepEventStore>()
            .AppendAsync(StoreSamples.Step("bot7", 1), CancellationToken.None);
        await services.GetRequiredService<IComponentStore>()
            .UpsertAsync(StoreSamples.Component("bot7", "bot"), CancellationToken.None);
        await services.GetRequiredService<IUserAccountStore>()
            .TryCreateAsync(StoreSamples.User("admin"), CancellationToken.None);
        await services.GetRequiredService<IAuditLog>()
            .AppendAsync(new AuditEntry(StoreSamples.Noon, "admin", "create", "bot7", null),
                CancellationToken.None);

        await using var reopened = new Cloner.Infrastructure.Storage.Sqlite.SqliteStore(
            _folder.File("cloner.db"),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<
                Cloner.Infrastructure.Storage.Sqlite.SqliteStore>.Instance);
        Assert.Single(await reopened.Clones.ListAsync(CancellationToken.None));
        Assert.Single(await reopened.PortClaims.ListAsync(CancellationToken.None));
        Assert.Single(await reopened.ListAllStepEventsAsync(CancellationToken.None));
        Assert.Single(await reopened.Components.ListAsync(CancellationToken.None));
        Assert.Equal(1, await reopened.Users.CountAsync(CancellationToken.None));
        Assert.Single(await reopened.Audit.ListAsync(5, CancellationToken.None));
    }

    [Fact]
    public async Task HostStart_WithADataDirThatCannotBeMade_FailsNamingTheStore()
    {
        await File.WriteAllTextAsync(_folder.File("not-a-folder"), "");
        var dataDir = _folder.File("not-a-folder/data");
        await using var services = new ServiceCollection()
            .AddClonerStore(Options(dataDir))
            .BuildServiceProvider();
        var startup = services.GetServices<IHostedService>()
            .OfType<IHostedLifecycleService>()
            .Single();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => startup.StartingAsync(CancellationToken.None));

        var file = Path.Combine(dataDir, "cloner.db");
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("Cloner:DataDir", error.Message, StringComparison.Ordinal);
    }

    private ClonerOptions Options(string dataDir) => new()
    {
        DataDir = dataDir,
        ClonesRoot = _folder.File("bots"),
        BlueprintsDir = _folder.File("blueprints"),
    };
}
