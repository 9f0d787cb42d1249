using System.Collections.Concurrent;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;

namespace Cloner.Tests.Web.Components.Fakes;

/// <summary>
/// Components that run only on paper: a start makes a Running record with a made-up pid, a
/// stop a Stopped one, and each change is published on the feed as the real supervisor does.
/// </summary>
public sealed class FakeSupervisor(CloneFeed feed) : IComponentSupervisor
{
    private readonly ConcurrentDictionary<(string, string), ComponentRecord> _records = new();
    private readonly ConcurrentDictionary<(string, string), List<LogLine>> _logs = new();
    private int _nextPid = 4000;

    public Task<ComponentRecord> StartAsync(Clone clone, ComponentSpec spec,
        CancellationToken cancellationToken) =>
        Task.FromResult(Set(Current(clone.Name, spec.Name) with
        {
            State = ComponentState.Running,
            WantedRunning = true,
            Pid = Interlocked.Increment(ref _nextPid),
            StartedAt = DateTimeOffset.UtcNow,
        }));

    public Task<ComponentRecord> StopAsync(Clone clone, ComponentSpec spec,
        CancellationToken cancellationToken) =>
        Task.FromResult(Set(Current(clone.Name, spec.Name) with
        {
            State = ComponentState.Stopped,
            WantedRunning = false,
            Pid = null,
        }));

    public async Task<ComponentRecord> RestartAsync(
        Clone clone, ComponentSpec spec, CancellationToken cancellationToken)
    {
        await StopAsync(clone, spec, cancellationToken);
        return await StartAsync(clone, spec, cancellationToken);
    }

    public ComponentRecord Current(string clone, string component) =>
        _records.GetValueOrDefault((clone, component))
            ?? new ComponentRecord { CloneName = clone, Component = component };

    /// <summary>Records the state and publishes it, as a state change of a real run would.</summary>
    public ComponentRecord Set(ComponentRecord record)
    {
        _records[(record.CloneName, record.Component)] = record;
        feed.Publish(new ComponentChanged(record));
        return record;
    }

    /// <summary>Keeps lines for <see cref="Tail"/> without publishing them.</summary>
    public void AddLines(string clone, string component, params LogLine[] lines) =>
        _logs.GetOrAdd((clone, component), _ => []).AddRange(lines);

    public IReadOnlyList<LogLine> Tail(string clone, string component, int count) =>
        _logs.TryGetValue((clone, component), out var lines) ? lines.TakeLast(count).ToList() : [];

    public string LogFilePath(string clone, string component, bool isError = false) =>
        $"/logs/{clone}/{component}.{(isError ? "err" : "out")}.log";

    public Task ReconcileAsync(IReadOnlyList<(Clone Clone, Blueprint? Blueprint)> clones,
        CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ForgetAsync(string clone, CancellationToken cancellationToken)
    {
        foreach (var key in _records.Keys.Where(k => k.Item1 == clone))
        {
            _records.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }
}

public sealed class FixedResourceMonitor : IResourceMonitor
{
    private readonly ConcurrentDictionary<(string, string), ResourceSample> _samples = new();

    public void Set(string clone, string component, ResourceSample sample) =>
        _samples[(clone, component)] = sample;

    public ResourceSample? Latest(string clone, string component) =>
        _samples.GetValueOrDefault((clone, component));
}
