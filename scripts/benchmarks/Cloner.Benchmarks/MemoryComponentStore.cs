using System.Collections.Concurrent;
using Cloner.Domain.Processes;
using Cloner.Domain.Storage;

namespace Cloner.Benchmarks;

/// <summary>
/// Component records kept in memory: the benchmark measures the supervisor, not a store.
/// </summary>
internal sealed class MemoryComponentStore : IComponentStore
{
    private readonly ConcurrentDictionary<(string Clone, string Component), ComponentRecord>
        _records = new();

    public Task UpsertAsync(ComponentRecord record, CancellationToken cancellationToken)
    {
        _records[(record.CloneName, record.Component)] = record;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ComponentRecord>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ComponentRecord>>(_records.Values.ToList());

    public Task DeleteAsync(string clone, CancellationToken cancellationToken)
    {
        foreach (var key in _records.Keys.Where(k => k.Clone == clone))
        {
            _records.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }
}
