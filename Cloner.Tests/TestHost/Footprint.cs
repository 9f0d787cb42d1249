using Cloner.Domain.Storage;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cloner.Tests.TestHost;

/// <summary>
/// Everything a create can leave behind, taken at one moment: clones the API lists, clone
/// folders, vhost files (temp names too), databases, MySQL users and port claims. Two
/// footprints equal means nothing was made or left between them.
/// </summary>
public sealed record Footprint(
    string Clones,
    string Folders,
    string Vhosts,
    string Databases,
    string Users,
    string Claims)
{
    public static async Task<Footprint> TakeAsync(
        ClonerHost host,
        ClonerApi api,
        LiveServers? servers)
    {
        using var answer = await api.Http.GetAsync("api/clones");
        var list = await ClonerApi.ExpectAsync(answer, System.Net.HttpStatusCode.OK,
            "GET api/clones");
        var clones = list.EnumerateArray().Select(c => c.GetProperty("name").GetString()!);

        var folders = Directory.Exists(host.ClonesRoot)
            ? Directory.GetFileSystemEntries(host.ClonesRoot).Select(Path.GetFileName)
            : [];
        var vhosts = servers is not null && Directory.Exists(servers.NginxVhosts)
            ? Directory.GetFileSystemEntries(servers.NginxVhosts).Select(Path.GetFileName)
            : [];

        var (databases, users) = servers is null ? ("", "") : await MySqlAsync(servers);
        var claims = (await PortClaimsAsync(host))
            .Select(c => $"{c.CloneName}:{c.Slot}:{c.Port}");

        return new Footprint(Join(clones), Join(folders!), Join(vhosts!), databases, users,
            Join(claims));
    }

    /// <summary>
    /// The port claims in the host's store, read through Cloner's own store code.
    /// </summary>
    public static async Task<IReadOnlyList<PortClaim>> PortClaimsAsync(ClonerHost host)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cloner:DataDir"] = host.DataDir,
                ["Cloner:ClonesRoot"] = host.ClonesRoot,
                ["Cloner:BlueprintsDir"] = host.BlueprintsDir,
            })
            .Build();
        var options = ClonerOptions.FromConfiguration(configuration, host.Root);
        var services = new ServiceCollection().AddLogging().AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddClonerStore(options);
        await using var provider = services.BuildServiceProvider();
        var claims = provider.GetRequiredService<IPortClaimStore>();
        return await claims.ListAsync(CancellationToken.None);
    }

    private static async Task<(string Databases, string Users)> MySqlAsync(LiveServers servers)
    {
        var probe = new MySqlProbe(servers);
        var databases = await probe.NamesAsync(
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA");
        var users = await probe.NamesAsync("SELECT CONCAT(User, '@', Host) FROM mysql.user");
        return (Join(databases), Join(users));
    }

    private static string Join(IEnumerable<string> names) =>
        string.Join(", ", names.Order(StringComparer.Ordinal));
}
