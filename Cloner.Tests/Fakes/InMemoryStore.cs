using System.Collections.Concurrent;
using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;

namespace Cloner.Tests.Fakes;

/// <summary>An in-memory store for unit tests of the domain; the real stores run the contract suite.</summary>
public sealed class InMemoryStore : ICloneStore, IPortClaimStore, IStepEventStore, IComponentStore
{
    private readonly ConcurrentDictionary<string, Clone> _clones = new();
    private readonly ConcurrentDictionary<int, PortClaim> _claims = new();
    private readonly ConcurrentDictionary<(string, long), StepEvent> _events = new();
    private readonly ConcurrentDictionary<(string, string), ComponentRecord> _components = new();
    private int _listReads;

    public IReadOnlyCollection<PortClaim> Claims => _claims.Values.ToList();

    public Task<bool> TryInsertAsync(Clone clone, CancellationToken cancellationToken) =>
        Task.FromResult(_clones.TryAdd(clone.Name, clone));

    public Task UpdateAsync(Clone clone, CancellationToken cancellationToken)
    {
        _clones[clone.Name] = clone;
        return Task.CompletedTask;
    }

    public Task<Clone?> FindAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_clones.GetValueOrDefault(name));

    /// <summary>How many times the clones were listed, so a test can see who reads.</summary>
    public int ListReads => Volatile.Read(ref _listReads);

    public Task<IReadOnlyList<Clone>> ListAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listReads);
        return Task.FromResult<IReadOnlyList<Clone>>(
            _clones.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ToList());
    }

    Task ICloneStore.DeleteAsync(string name, CancellationToken cancellationToken)
    {
        _clones.TryRemove(name, out _);
        return Task.CompletedTask;
    }

    public Task<bool> TryClaimAsync(PortClaim claim, CancellationToken cancellationToken) =>
        Task.FromResult(_claims.TryAdd(claim.Port, claim));

    Task<IReadOnlyList<PortClaim>> IPortClaimStore.ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PortClaim>>(_claims.Values.ToList());

    public Task ReleaseAsync(string clone, CancellationToken cancellationToken)
    {
        foreach (var claim in _claims.Values.Where(c => c.CloneName == clone))
        {
            _claims.TryRemove(claim.Port, out _);
        }

        return Task.CompletedTask;
    }

    public Task AppendAsync(StepEvent stepEvent, CancellationToken cancellationToken)
    {
        _events[(stepEvent.CloneName, stepEvent.Sequence)] = stepEvent;
        return Task.CompletedTask;
    }

    Task<IReadOnlyList<StepEvent>> IStepEventStore.ListAsync(string clone, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StepEvent>>(
            _events.Values.Where(e => e.CloneName == clone).OrderBy(e => e.Sequence).ToList());

    Task IStepEventStore.DeleteAsync(string clone, CancellationToken cancellationToken)
    {
        foreach (var key in _events.Keys.Where(k => k.Item1 == clone))
        {
            _events.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }

    public Task UpsertAsync(ComponentRecord record, CancellationToken cancellationToken)
    {
        _components[(record.CloneName, record.Component)] = record;
        return Task.CompletedTask;
    }

    Task<IReadOnlyList<ComponentRecord>> IComponentStore.ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ComponentRecord>>(_components.Values.ToList());

    Task IComponentStore.DeleteAsync(string clone, CancellationToken cancellationToken)
    {
        foreach (var key in _components.Keys.Where(k => k.Item1 == clone))
        {
            _components.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }
}
