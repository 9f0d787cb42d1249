using System.Collections.Concurrent;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Provisioning;

namespace Cloner.Tests.Web.Components.Fakes;

public sealed class FixedBlueprintCatalog(params Blueprint[] blueprints) : IBlueprintCatalog
{
    public BlueprintCatalogSnapshot Read() => new(blueprints, []);
}

/// <summary>MySQL left unconfigured, so the database steps are skipped.</summary>
public sealed class UnconfiguredDatabase : IDatabaseProvisioner
{
    public string? NotConfiguredReason => "ConnectionStrings:MySqlAdmin is not set";

    public DatabaseEndpoint Endpoint { get; } = new("127.0.0.1", 3306);

    public Task CreateAsync(string database, string user, string password,
        Action<DatabaseMade> made, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the database is not configured");

    public Task RunSchemaAsync(string database, string user, string password, string schemaSql,
        CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the database is not configured");

    public Task DropAsync(string database, string user, bool dropDatabase, bool dropUser,
        CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<(bool Database, bool User)> ExistsAsync(string database, string user,
        CancellationToken cancellationToken) => Task.FromResult((false, false));
}

/// <summary>nginx left unconfigured, so the route steps are skipped.</summary>
public sealed class UnconfiguredRoutes : IRouteInstaller
{
    public string? NotConfiguredReason => "Cloner:Nginx:VhostsDir is not set";

    public Task InstallAsync(string clone, string vhost, IProgress<string> progress,
        CancellationToken cancellationToken) =>
        throw new InvalidOperationException("nginx is not configured");

    public Task RemoveAsync(string clone, IProgress<string> progress,
        CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ReloadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public bool Exists(string clone) => false;
}

/// <summary>Clone folders that exist only as names, with the .env text kept per clone.</summary>
public sealed class InMemoryCloneFolders : ICloneFolders
{
    private readonly ConcurrentDictionary<string, string> _envs = new(StringComparer.Ordinal);

    public string PathOf(string clone) => $"/clones/{clone}";

    public bool Exists(string clone) => _envs.ContainsKey(clone);

    public Task CopyBlueprintAsync(Blueprint blueprint, string clone,
        CancellationToken cancellationToken)
    {
        _envs[clone] = "";
        return Task.CompletedTask;
    }

    public Task WriteEnvAsync(string clone, string content, CancellationToken cancellationToken)
    {
        _envs[clone] = content;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<KeyValuePair<string, string>>> ReadEnvAsync(string clone,
        CancellationToken cancellationToken) =>
        Task.FromResult(Cloner.Domain.Clones.EnvFile.Parse(_envs.GetValueOrDefault(clone) ?? ""));

    public Task RemoveAsync(string clone, CancellationToken cancellationToken)
    {
        _envs.TryRemove(clone, out _);
        return Task.CompletedTask;
    }
}

/// <summary>Hands templates back unrendered; the tests here look at the dashboard, not Liquid.</summary>
public sealed class VerbatimTemplates : ITemplateRenderer
{
    public string Render(string templateName, string template, TemplateModel model) =>
        template.Contains("{{", StringComparison.Ordinal) ? model.CloneName : template;
}

public sealed class NoPortInUse : IPortProbe
{
    public bool IsInUse(int port) => false;
}
