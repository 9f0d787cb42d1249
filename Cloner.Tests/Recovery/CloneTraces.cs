using Cloner.Domain.Clones;
using Cloner.Domain.Storage;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Storage;
using Cloner.Tests.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cloner.Tests.Recovery;

/// <summary>
/// What of one clone exists at one moment: its store record and port claims (read from the
/// store files directly, so it works while no Cloner runs), its MySQL database and user, its
/// folder, its vhost (temporary name too) and its live processes.
/// </summary>
public sealed record CloneTraces(
    CloneStatus? Status,
    int Claims,
    bool Database,
    bool User,
    bool Folder,
    bool Vhost,
    int Processes)
{
    public bool None => Status is null && Claims == 0 && !Database && !User && !Folder && !Vhost
        && Processes == 0;

    public static async Task<CloneTraces> TakeAsync(
        string dataDir,
        string clonesRoot,
        LiveServers servers,
        string clone)
    {
        var (record, claims) = await FromStoreAsync(dataDir, clonesRoot, clone);
        var mysql = new MySqlProbe(servers);
        var name = CloneName.DatabaseName(clone);
        var vhost = Path.Combine(servers.NginxVhosts, clone + ".conf");
        var temporary = Path.Combine(servers.NginxVhosts, "." + clone + ".conf.tmp");
        return new CloneTraces(
            record?.Status,
            claims,
            await mysql.DatabaseExistsAsync(name),
            await mysql.UserCountAsync(CloneName.UserName(clone)) > 0,
            Directory.Exists(Path.Combine(clonesRoot, clone)),
            File.Exists(vhost) || File.Exists(temporary),
            ProcFs.PidsOfClone(clone).Count);
    }

    /// <summary>Waits until the clone's processes are gone too, then takes the traces.</summary>
    public static async Task<CloneTraces> TakeSettledAsync(
        string dataDir,
        string clonesRoot,
        LiveServers servers,
        string clone)
    {
        await ProcFs.WaitNoneOfCloneAsync(clone, TimeSpan.FromSeconds(20));
        return await TakeAsync(dataDir, clonesRoot, servers, clone);
    }

    /// <summary>
    /// Fails unless nothing of <paramref name="clone"/> is left in <paramref name="host"/>'s
    /// data and on the servers, once its processes had time to go; <paramref name="after"/>
    /// says after what, for the message.
    /// </summary>
    public static async Task AssertNoneLeftAsync(
        ClonerHost host, LiveServers servers, string clone, string after)
    {
        var left = await TakeSettledAsync(host.DataDir, host.ClonesRoot, servers, clone);
        Assert.True(left.None, $"left of {clone} after {after}: {left}");
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Status is { } status)
        {
            parts.Add($"record ({status})");
        }

        if (Claims > 0)
        {
            parts.Add($"{Claims} port claims");
        }

        if (Database)
        {
            parts.Add("database");
        }

        if (User)
        {
            parts.Add("user");
        }

        if (Folder)
        {
            parts.Add("folder");
        }

        if (Vhost)
        {
            parts.Add("vhost");
        }

        if (Processes > 0)
        {
            parts.Add($"{Processes} processes");
        }

        return parts.Count == 0 ? "nothing" : string.Join(", ", parts);
    }

    private static async Task<(Clone? Record, int Claims)> FromStoreAsync(
        string dataDir,
        string clonesRoot,
        string clone)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cloner:DataDir"] = dataDir,
                ["Cloner:ClonesRoot"] = clonesRoot,
                ["Cloner:BlueprintsDir"] = clonesRoot,
            })
            .Build();
        var options = ClonerOptions.FromConfiguration(configuration, dataDir);
        var services = new ServiceCollection().AddLogging().AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddClonerStore(options);
        await using var provider = services.BuildServiceProvider();
        var record = await provider.GetRequiredService<ICloneStore>()
            .FindAsync(clone, CancellationToken.None);
        var claims = await provider.GetRequiredService<IPortClaimStore>()
            .ListAsync(CancellationToken.None);
        return (record, claims.Count(c => c.CloneName == clone));
    }
}
