using System.Collections.Concurrent;
using Cloner.Domain.Clones;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;

namespace Cloner.Tests.Web.Components.Fakes;

/// <summary>Clones kept in a dictionary; counts list reads so a test can see who reads.</summary>
public sealed class InMemoryCloneStore : ICloneStore
{
    private readonly ConcurrentDictionary<string, Clone> _clones = new(StringComparer.Ordinal);
    private int _listReads;

    public int ListReads => Volatile.Read(ref _listReads);

    public Task<bool> TryInsertAsync(Clone clone, CancellationToken cancellationToken) =>
        Task.FromResult(_clones.TryAdd(clone.Name, clone));

    public Task UpdateAsync(Clone clone, CancellationToken cancellationToken)
    {
        _clones[clone.Name] = clone;
        return Task.CompletedTask;
    }

    public Task<Clone?> FindAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_clones.GetValueOrDefault(name));

    public Task<IReadOnlyList<Clone>> ListAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listReads);
        IReadOnlyList<Clone> all = _clones.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        return Task.FromResult(all);
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        _clones.TryRemove(name, out _);
        return Task.CompletedTask;
    }
}

public sealed class InMemoryPortClaimStore : IPortClaimStore
{
    private readonly ConcurrentDictionary<int, PortClaim> _claims = new();

    public Task<bool> TryClaimAsync(PortClaim claim, CancellationToken cancellationToken) =>
        Task.FromResult(_claims.TryAdd(claim.Port, claim));

    public Task<IReadOnlyList<PortClaim>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PortClaim>>(_claims.Values.ToList());

    public Task ReleaseAsync(string clone, CancellationToken cancellationToken)
    {
        foreach (var claim in _claims.Values.Where(c => c.CloneName == clone))
        {
            _claims.TryRemove(claim.Port, out _);
        }

        return Task.CompletedTask;
    }
}

public sealed class InMemoryStepEventStore : IStepEventStore
{
    private readonly Lock _gate = new();
    private readonly List<StepEvent> _events = [];

    public Task AppendAsync(StepEvent stepEvent, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _events.Add(stepEvent);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StepEvent>> ListAsync(string clone, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<StepEvent> events =
                _events.Where(e => e.CloneName == clone).OrderBy(e => e.Sequence).ToList();
            return Task.FromResult(events);
        }
    }

    public Task DeleteAsync(string clone, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _events.RemoveAll(e => e.CloneName == clone);
        }

        return Task.CompletedTask;
    }
}
