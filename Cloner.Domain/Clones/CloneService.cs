using System.Globalization;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;

namespace Cloner.Domain.Clones;

/// <summary>
/// What the dashboard and the API ask of clones. Every operation on one clone runs under that
/// clone's lock; operations on different clones run side by side.
/// </summary>
public sealed class CloneService(
    IBlueprintCatalog catalog,
    ICloneStore clones,
    IStepEventStore stepEvents,
    IComponentSupervisor supervisor,
    IResourceMonitor monitor,
    CloneCreator creator,
    CloneRemover remover,
    CloneLocks locks)
{
    private readonly SemaphoreSlim _naming = new(1, 1);

    // Names and numbers picked by creates that have not yet put their clone in the store.
    private readonly HashSet<string> _picked = [];
    private readonly HashSet<int> _pickedNumbers = [];

    public BlueprintCatalogSnapshot Blueprints() => catalog.Read();

    public async Task<CreateOutcome> CreateAsync(
        CreateCloneRequest request, CancellationToken cancellationToken)
    {
        var blueprint = catalog.Read().Find(request.Blueprint)
            ?? throw new CloneValidationException(new Dictionary<string, string[]>
            {
                ["blueprint"] =
                [
                    $"there is no blueprint named '{CloneRequestRules.Printable(request.Blueprint)}'",
                ],
            });

        var errors = CloneRequestRules.Check(request, blueprint);
        if (errors.Count > 0)
        {
            throw new CloneValidationException(errors);
        }

        var (name, number) = await PickNameAsync(request, blueprint, cancellationToken);
        try
        {
            using var _ = await locks.AcquireAsync(name, cancellationToken);
            if (await clones.FindAsync(name, cancellationToken) is not null)
            {
                throw new CloneNameTakenException(name);
            }

            return await creator.CreateAsync(request, blueprint, name, number);
        }
        finally
        {
            lock (_picked)
            {
                _picked.Remove(name);
                _pickedNumbers.Remove(number);
            }
        }
    }

    public async Task<DeleteOutcome> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        using var _ = await locks.AcquireAsync(name, cancellationToken);
        var clone = await clones.FindAsync(name, cancellationToken)
            ?? throw new UnknownCloneException(name);
        return await remover.DeleteAsync(clone, catalog.Read().Find(clone.Blueprint));
    }

    public Task<ComponentRecord> StartComponentAsync(
        string clone, string component, CancellationToken cancellationToken) =>
        OnComponentAsync(clone, component, cancellationToken,
            (c, spec) => supervisor.StartAsync(c, spec, CancellationToken.None));

    public Task<ComponentRecord> StopComponentAsync(
        string clone, string component, CancellationToken cancellationToken) =>
        OnComponentAsync(clone, component, cancellationToken,
            (c, spec) => supervisor.StopAsync(c, spec, CancellationToken.None));

    public Task<ComponentRecord> RestartComponentAsync(
        string clone, string component, CancellationToken cancellationToken) =>
        OnComponentAsync(clone, component, cancellationToken,
            (c, spec) => supervisor.RestartAsync(c, spec, CancellationToken.None));

    public async Task<IReadOnlyList<CloneView>> ListAsync(CancellationToken cancellationToken)
    {
        var snapshot = catalog.Read();
        var all = await clones.ListAsync(cancellationToken);
        return all.Select(c => View(c, snapshot.Find(c.Blueprint))).ToList();
    }

    public async Task<CloneDetails?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var clone = await clones.FindAsync(name, cancellationToken);
        if (clone is null)
        {
            return null;
        }

        var steps = await stepEvents.ListAsync(name, cancellationToken);
        return new CloneDetails(View(clone, catalog.Read().Find(clone.Blueprint)), steps);
    }

    /// <summary>The last lines of a component's log; throws for an unknown clone or component.
    /// </summary>
    public async Task<IReadOnlyList<LogLine>> TailAsync(string clone, string component, int count,
        CancellationToken cancellationToken)
    {
        var (_, spec) = await FindComponentAsync(clone, component, cancellationToken);
        return supervisor.Tail(clone, spec.Name, Math.Clamp(count, 0, 100_000));
    }

    /// <summary>
    /// The paths of a component's current stdout and stderr log files; throws for an unknown
    /// clone or component.
    /// </summary>
    public async Task<(string Out, string Err)> LogFilesAsync(
        string clone, string component, CancellationToken cancellationToken)
    {
        var (_, spec) = await FindComponentAsync(clone, component, cancellationToken);
        return (supervisor.LogFilePath(clone, spec.Name),
            supervisor.LogFilePath(clone, spec.Name, isError: true));
    }

    /// <summary>
    /// Run once at start-up, before anything else touches clones: finishes the undo of creates
    /// and the deletes that a stopped Cloner left half done, and hands the remaining clones to
    /// the supervisor to reconcile. The supervisor goes first, so the processes of a clone that
    /// is being taken away are stopped through their records (checked to be the same
    /// processes) rather than left to the stray sweep; it starts none of them.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var snapshot = catalog.Read();
        var unfinished = new List<(Clone Clone, string Why)>();
        var kept = new List<(Clone, Blueprint?)>();
        foreach (var clone in await clones.ListAsync(cancellationToken))
        {
            var history = await stepEvents.ListAsync(clone.Name, cancellationToken);
            if (UnfinishedRun(clone, history) is { } why)
            {
                unfinished.Add((clone, why));
            }
            else if (clone.Status == CloneStatus.Ready)
            {
                kept.Add((clone, snapshot.Find(clone.Blueprint)));
            }
        }

        await supervisor.ReconcileAsync(kept, cancellationToken);

        foreach (var (stale, why) in unfinished)
        {
            using var _ = await locks.AcquireAsync(stale.Name, cancellationToken);
            var clone = await clones.FindAsync(stale.Name, cancellationToken) ?? stale;
            await remover.DeleteAsync(clone, snapshot.Find(clone.Blueprint), why);
        }
    }

    /// <summary>
    /// Why recovery must take the clone away, or null when it is whole (or Failed, which waits
    /// for the operator). A create counts as finished once its start step has finished; a
    /// clone that is Ready without that was cut short between the register and start steps.
    /// </summary>
    private static string? UnfinishedRun(Clone clone, IReadOnlyList<StepEvent> history)
    {
        var last = history.Count == 0 ? null : history[^1];
        var after = last is null ? "" : $" (its last step event: {last.Step} {last.Kind})";
        switch (clone.Status)
        {
            case CloneStatus.Creating:
                return $"recovery after a restart: the create of {clone.Name} was cut short" +
                    after + "; undoing what it made";
            case CloneStatus.Deleting:
                return $"recovery after a restart: the delete of {clone.Name} was cut short" +
                    after + "; finishing it";
            case CloneStatus.Ready:
                var create = history.Where(e => e.Operation == Operations.Create).ToList();
                var registered = create.Any(e =>
                    e.Step == Steps.Register && e.Kind == StepEventKind.Succeeded);
                var started = create.Any(e => e.Step == Steps.Start
                    && e.Kind is StepEventKind.Succeeded or StepEventKind.Skipped);
                return registered && !started
                    ? $"recovery after a restart: the create of {clone.Name} was cut short " +
                        "before its start step finished" + after + "; undoing what it made"
                    : null;
            default:
                return null;
        }
    }

    private CloneView View(Clone clone, Blueprint? blueprint)
    {
        var specs = blueprint?.Components ?? [];
        return new CloneView(clone, specs
            .Select(s => new ComponentView(
                s.Name,
                supervisor.Current(clone.Name, s.Name),
                monitor.Latest(clone.Name, s.Name),
                s.Autostart))
            .ToList());
    }

    private async Task<ComponentRecord> OnComponentAsync(
        string cloneName,
        string component,
        CancellationToken cancellationToken,
        Func<Clone, ComponentSpec, Task<ComponentRecord>> action)
    {
        using var _ = await locks.AcquireAsync(cloneName, cancellationToken);
        var (clone, spec) = await FindComponentAsync(cloneName, component, cancellationToken);
        if (clone.Status != CloneStatus.Ready)
        {
            throw new CloneBusyException(cloneName, clone.Status.ToString().ToLowerInvariant());
        }

        return await action(clone, spec);
    }

    private async Task<(Clone, ComponentSpec)> FindComponentAsync(
        string cloneName, string component, CancellationToken cancellationToken)
    {
        var clone = await clones.FindAsync(cloneName, cancellationToken)
            ?? throw new UnknownCloneException(cloneName);
        var blueprint = catalog.Read().Find(clone.Blueprint)
            ?? throw new CloneRequestException(
                $"Clone '{cloneName}' was made from blueprint '{clone.Blueprint}', " +
                "which is no longer in the blueprints folder.");
        var spec = blueprint.FindComponent(component)
            ?? throw new UnknownComponentException(
                cloneName, component, blueprint.Components.Select(c => c.Name));
        return (clone, spec);
    }

    /// <summary>The name asked for, or the blueprint's prefix with the lowest free number.
    /// </summary>
    private async Task<(string Name, int Number)> PickNameAsync(
        CreateCloneRequest request, Blueprint blueprint, CancellationToken cancellationToken)
    {
        await _naming.WaitAsync(cancellationToken);
        try
        {
            var existing = await clones.ListAsync(cancellationToken);
            var (name, number) = Pick(request.Name, blueprint, existing);
            lock (_picked)
            {
                _picked.Add(name);
                _pickedNumbers.Add(number);
            }

            return (name, number);
        }
        finally
        {
            _naming.Release();
        }
    }

    private (string Name, int Number) Pick(
        string? asked, Blueprint blueprint, IReadOnlyList<Clone> existing)
    {
        HashSet<string> names;
        HashSet<int> numbers;
        lock (_picked)
        {
            names = [.. existing.Select(c => c.Name), .. _picked];
            numbers = [.. existing.Select(c => c.Number), .. _pickedNumbers];
        }

        if (asked is not null)
        {
            if (names.Contains(asked))
            {
                throw new CloneNameTakenException(asked);
            }

            var suffix = asked.StartsWith(blueprint.ClonePrefix, StringComparison.Ordinal)
                ? asked[blueprint.ClonePrefix.Length..]
                : "";
            return int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && n > 0 && !numbers.Contains(n)
                ? (asked, n)
                : (asked, NextFree(numbers));
        }

        for (var number = 1; ; number++)
        {
            var name = blueprint.ClonePrefix + number.ToString(CultureInfo.InvariantCulture);
            if (!names.Contains(name) && !numbers.Contains(number) && CloneName.IsValid(name))
            {
                return (name, number);
            }
        }
    }

    private static int NextFree(HashSet<int> numbers)
    {
        var number = 1;
        while (numbers.Contains(number))
        {
            number++;
        }

        return number;
    }
}
