using System.Collections.Concurrent;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;

namespace Cloner.Tests.Fakes;

/// <summary>
/// Fakes of everything the create and delete steps touch, recording what exists, so unit tests
/// can check that an undo removes exactly what a run made. Integration tests use the real parts.
/// </summary>
public sealed class FakeWorld :
    IBlueprintCatalog, IDatabaseProvisioner, IRouteInstaller, ICloneFolders, ITemplateRenderer,
    IPortProbe, IComponentSupervisor, IResourceMonitor
{
    private readonly ConcurrentDictionary<(string, string), ComponentRecord> _components = new();

    public List<Blueprint> BlueprintList { get; } = [];

    public HashSet<string> Databases { get; } = [];

    public HashSet<string> Users { get; } = [];

    public HashSet<string> Folders { get; } = [];

    public Dictionary<string, string> EnvFiles { get; } = [];

    public Dictionary<string, string> Vhosts { get; } = [];

    public HashSet<int> BusyPorts { get; } = [];

    public int Reloads { get; private set; }

    public string? DatabaseNotConfigured { get; set; }

    public string? RouteNotConfigured { get; set; }

    /// <summary>The step whose fake throws, to test undo.</summary>
    public string? FailAt { get; set; }

    public BlueprintCatalogSnapshot Read() => new(BlueprintList, []);

    string? IDatabaseProvisioner.NotConfiguredReason => DatabaseNotConfigured;

    public DatabaseEndpoint Endpoint { get; } = new("127.0.0.1", 3306);

    public Task CreateAsync(string database, string user, string password, Action<DatabaseMade> made,
        CancellationToken cancellationToken)
    {
        if (Databases.Contains(database) || Users.Contains(user))
        {
            throw new ProvisioningException($"database {database} exists already");
        }

        Databases.Add(database);
        made(DatabaseMade.Database);
        if (FailAt == "database-user")
        {
            throw new ProvisioningException("CREATE USER failed");
        }

        Users.Add(user);
        made(DatabaseMade.User);
        return Task.CompletedTask;
    }

    public Task RunSchemaAsync(string database, string user, string password, string schemaSql,
        CancellationToken cancellationToken) =>
        FailAt == Steps.Schema ? throw new ProvisioningException("schema line 3 failed") : Task.CompletedTask;

    public Task DropAsync(string database, string user, bool dropDatabase, bool dropUser,
        CancellationToken cancellationToken)
    {
        if (dropDatabase)
        {
            Databases.Remove(database);
        }

        if (dropUser)
        {
            Users.Remove(user);
        }

        return Task.CompletedTask;
    }

    public Task<(bool Database, bool User)> ExistsAsync(string database, string user,
        CancellationToken cancellationToken) =>
        Task.FromResult((Databases.Contains(database), Users.Contains(user)));

    string? IRouteInstaller.NotConfiguredReason => RouteNotConfigured;

    public Task InstallAsync(string clone, string vhost, IProgress<string> progress,
        CancellationToken cancellationToken)
    {
        if (FailAt == Steps.Route)
        {
            throw new ProvisioningException("nginx -t failed: unknown directive");
        }

        progress.Report("nginx test passed");
        Vhosts[clone] = vhost;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string clone, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Vhosts.Remove(clone);
        return Task.CompletedTask;
    }

    public Task ReloadAsync(CancellationToken cancellationToken)
    {
        Reloads++;
        return FailAt == Steps.Reload ? throw new ProvisioningException("reload failed") : Task.CompletedTask;
    }

    bool IRouteInstaller.Exists(string clone) => Vhosts.ContainsKey(clone);

    public string PathOf(string clone) => $"/clones/{clone}";

    bool ICloneFolders.Exists(string clone) => Folders.Contains(clone);

    public Task CopyBlueprintAsync(Blueprint blueprint, string clone, CancellationToken cancellationToken)
    {
        Folders.Add(clone);
        return FailAt == Steps.Files ? throw new ProvisioningException("disk full") : Task.CompletedTask;
    }

    public Task WriteEnvAsync(string clone, string content, CancellationToken cancellationToken)
    {
        EnvFiles[clone] = content;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<KeyValuePair<string, string>>> ReadEnvAsync(string clone,
        CancellationToken cancellationToken) =>
        Task.FromResult(EnvFiles.TryGetValue(clone, out var text) ? EnvFile.Parse(text) : []);

    Task ICloneFolders.RemoveAsync(string clone, CancellationToken cancellationToken)
    {
        Folders.Remove(clone);
        EnvFiles.Remove(clone);
        return Task.CompletedTask;
    }

    /// <summary>Replaces <c>{{ a.b }}</c> with the model's value; enough for the unit tests.</summary>
    public string Render(string templateName, string template, TemplateModel model)
    {
        var values = new Dictionary<string, string>
        {
            ["clone.name"] = model.CloneName,
            ["clone.number"] = model.CloneNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["clone.dir"] = model.CloneDir,
        };
        foreach (var (k, v) in model.Inputs)
        {
            values[$"inputs.{k}"] = v;
        }

        foreach (var (k, v) in model.Ports)
        {
            values[$"ports.{k}"] = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (k, v) in model.Db)
        {
            values[$"db.{k}"] = v;
        }

        return System.Text.RegularExpressions.Regex.Replace(template, @"\{\{\s*([a-z_.0-9]+)\s*\}\}",
            m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : "");
    }

    public bool IsInUse(int port) => BusyPorts.Contains(port);

    public Task<ComponentRecord> StartAsync(Clone clone, ComponentSpec spec, CancellationToken cancellationToken)
    {
        if (FailAt == Steps.Start)
        {
            throw new ProvisioningException($"command {spec.Command} not found");
        }

        var record = Current(clone.Name, spec.Name) with
        {
            State = ComponentState.Running,
            WantedRunning = true,
            Pid = 4242,
        };
        _components[(clone.Name, spec.Name)] = record;
        return Task.FromResult(record);
    }

    public Task<ComponentRecord> StopAsync(Clone clone, ComponentSpec spec, CancellationToken cancellationToken)
    {
        var record = Current(clone.Name, spec.Name) with
        {
            State = ComponentState.Stopped,
            WantedRunning = false,
            Pid = null,
        };
        _components[(clone.Name, spec.Name)] = record;
        return Task.FromResult(record);
    }

    public async Task<ComponentRecord> RestartAsync(
        Clone clone, ComponentSpec spec, CancellationToken cancellationToken)
    {
        await StopAsync(clone, spec, cancellationToken);
        return await StartAsync(clone, spec, cancellationToken);
    }

    public ComponentRecord Current(string clone, string component) =>
        _components.GetValueOrDefault((clone, component))
        ?? new ComponentRecord { CloneName = clone, Component = component };

    /// <summary>Sets a component's state as if its process had changed, and tells the feed.</summary>
    public void Push(CloneFeed feed, ComponentRecord record)
    {
        _components[(record.CloneName, record.Component)] = record;
        feed.Publish(new ComponentChanged(record));
    }

    /// <summary>Whether the fake supervisor still holds any record of the clone.</summary>
    public bool Knows(string clone) => _components.Keys.Any(k => k.Item1 == clone);

    public IEnumerable<ComponentRecord> Running =>
        _components.Values.Where(c => c.State == ComponentState.Running);

    public IReadOnlyList<LogLine> Tail(string clone, string component, int count) => [];

    public string LogFilePath(string clone, string component, bool isError = false) =>
        $"/logs/{clone}/{component}.{(isError ? "err" : "out")}.log";

    public Task ReconcileAsync(IReadOnlyList<(Clone Clone, Blueprint? Blueprint)> clones,
        CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ForgetAsync(string clone, CancellationToken cancellationToken)
    {
        foreach (var key in _components.Keys.Where(k => k.Item1 == clone))
        {
            _components.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }

    public ResourceSample? Latest(string clone, string component) => null;
}
