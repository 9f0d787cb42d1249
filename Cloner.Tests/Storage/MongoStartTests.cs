using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cloner.Domain.Storage;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Storage;
using Cloner.Infrastructure.Storage.Mongo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Storage;

/// <summary>What happens when MongoDB is not there; needs no server, so it always runs.</summary>
public sealed class MongoStartTests
{
    /// <summary>
    /// Cloner gives up on a server it cannot reach after 5 s; the driver alone would wait 30 s.
    /// The bound between the two leaves room for a slow machine.
    /// </summary>
    private static readonly TimeSpan s_giveUpBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Start_WithMongoOnAClosedPort_FailsBeforeDriverDefaultNamingHostAndPort()
    {
        var port = ClosedPort();
        await using var store = new MongoStore(
            $"mongodb://cloner:hunter2-secret@127.0.0.1:{port}/cloner",
            NullLogger<MongoStore>.Instance);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => store.InitializeAsync(CancellationToken.None));

        Assert.True(clock.Elapsed < s_giveUpBound, $"took {clock.Elapsed}");
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_WithMongoOnAClosedPort_FailsWhenTheStoreIsFirstAskedFor()
    {
        var port = ClosedPort();
        using var folder = new TempFolder();
        var options = new ClonerOptions
        {
            DataDir = folder.Path,
            ClonesRoot = folder.File("bots"),
            BlueprintsDir = folder.File("blueprints"),
            MongoConnectionString = $"mongodb://127.0.0.1:{port}",
        };
        using var services = new ServiceCollection().AddClonerStore(options).BuildServiceProvider();
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<StoreUnavailableException>(
            () => services.GetRequiredService<ICloneStore>());

        Assert.True(clock.Elapsed < s_giveUpBound, $"took {clock.Elapsed}");
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("cloner.db")));
    }

    [Fact]
    public void Store_WithAConnectionStringThatIsNotOne_IsRefusedWithoutRepeatingIt()
    {
        var error = Assert.Throws<StoreUnavailableException>(
            () => new MongoStore("mysql://root:hunter2@db", NullLogger<MongoStore>.Instance));

        Assert.Contains("ConnectionStrings:Mongo", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_WithoutADatabaseInTheConnectionString_UsesCloner()
    {
        await using var store = new MongoStore(
            "mongodb://127.0.0.1:27017",
            NullLogger<MongoStore>.Instance);

        Assert.Equal("cloner", store.DatabaseName);
        Assert.Equal("127.0.0.1:27017/cloner", store.Location);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
