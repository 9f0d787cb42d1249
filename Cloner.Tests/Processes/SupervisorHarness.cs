using System.Collections.Concurrent;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Processes;

/// <summary>
/// A real <see cref="ProcessSupervisor"/> over a temporary data folder, with an in-memory
/// component store and a clone folder whose .env is whatever the test puts in.
/// </summary>
internal sealed class SupervisorHarness : IAsyncDisposable
{
    private readonly bool _ownsRoot;

    public SupervisorHarness(string? root = null, InMemoryComponentStore? store = null,
        bool stopOnShutdown = true, int ringLines = 100_000, TimeProvider? time = null)
    {
        _ownsRoot = root is null;
        Root = root ?? Directory.CreateTempSubdirectory("cloner-proc-").FullName;
        Options = new ClonerOptions
        {
            DataDir = Path.Combine(Root, "data"),
            ClonesRoot = Path.Combine(Root, "bots"),
            BlueprintsDir = Path.Combine(Root, "blueprints"),
            LogRingLines = ringLines,
            StopComponentsOnShutdown = stopOnShutdown,
        };
        Store = store ?? new InMemoryComponentStore();
        Folders = new FakeCloneFolders(Options.ClonesRoot);
        Supervisor = new ProcessSupervisor(Options, Store, Folders, Feed,
            time ?? TimeProvider.System, NullLogger<ProcessSupervisor>.Instance);
        Clone = NewClone("bot1");
    }

    public string Root { get; }

    public ClonerOptions Options { get; }

    public InMemoryComponentStore Store { get; }

    public FakeCloneFolders Folders { get; }

    public CloneFeed Feed { get; } = new();

    public ProcessSupervisor Supervisor { get; }

    public Clone Clone { get; }

    public Clone NewClone(string name)
    {
        var folder = Path.Combine(Options.ClonesRoot, name);
        Directory.CreateDirectory(folder);
        return new Clone
        {
            Name = name,
            Blueprint = "test",
            Number = 1,
            Status = CloneStatus.Ready,
            Folder = folder,
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    public static ComponentSpec Shell(
        string name,
        string script,
        RestartPolicy restart = RestartPolicy.Never,
        double stopSeconds = 2,
        double startSeconds = 1) => new()
    {
        Name = name,
        Command = "sh",
        Args = ["-c", script],
        Restart = restart,
        StopTimeout = TimeSpan.FromSeconds(stopSeconds),
        StartSeconds = TimeSpan.FromSeconds(startSeconds),
    };

    public Task<ComponentRecord> StartAsync(ComponentSpec spec) =>
        Supervisor.StartAsync(Clone, spec, CancellationToken.None);

    public Task<ComponentRecord> StopAsync(ComponentSpec spec) =>
        Supervisor.StopAsync(Clone, spec, CancellationToken.None);

    /// <summary>Reconciles this clone, of a blueprint that holds just the spec.</summary>
    public Task ReconcileAsync(ComponentSpec spec) =>
        Supervisor.ReconcileAsync([(Clone, new Blueprint
        {
            Name = "test",
            Title = "Test",
            ClonePrefix = "bot",
            Folder = "/nonexistent",
            Components = [spec],
        })], CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Supervisor.DisposeAsync();
        if (_ownsRoot)
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    /// <summary>
    /// How long a test waits for what should happen at once. A loaded CI machine has been
    /// seen a second and more late, so a wait is long; how fast things happen is measured by
    /// the benchmarks, not here.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Waits until the condition holds; false when it did not within the timeout.
    /// </summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>The live (not zombie) processes of a process group.</summary>
    public static IReadOnlyList<ProcStat> GroupMembers(int processGroup) =>
        ProcFs.All().Where(s => s.ProcessGroup == processGroup && !s.IsZombie).ToList();
}

internal sealed class InMemoryComponentStore : IComponentStore
{
    private readonly ConcurrentDictionary<(string, string), ComponentRecord> _records = new();

    public ConcurrentQueue<ComponentRecord> Writes { get; } = new();

    public Task UpsertAsync(ComponentRecord record, CancellationToken cancellationToken)
    {
        _records[(record.CloneName, record.Component)] = record;
        Writes.Enqueue(record);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ComponentRecord>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ComponentRecord>>(_records.Values.ToList());

    public Task DeleteAsync(string clone, CancellationToken cancellationToken)
    {
        foreach (var key in _records.Keys.Where(k => k.Item1 == clone))
        {
            _records.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }

    public ComponentRecord? Find(string clone, string component) =>
        _records.GetValueOrDefault((clone, component));
}

internal sealed class FakeCloneFolders(string root) : ICloneFolders
{
    public List<KeyValuePair<string, string>> Env { get; } = [];

    public string PathOf(string clone) => Path.Combine(root, clone);

    public bool Exists(string clone) => Directory.Exists(PathOf(clone));

    public Task CopyBlueprintAsync(
        Blueprint blueprint, string clone, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the process tests do not copy blueprints");

    public Task WriteEnvAsync(string clone, string content, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the process tests set Env directly");

    public Task<IReadOnlyList<KeyValuePair<string, string>>> ReadEnvAsync(string clone,
        CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<KeyValuePair<string, string>>>(Env.ToList());

    public Task RemoveAsync(string clone, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
