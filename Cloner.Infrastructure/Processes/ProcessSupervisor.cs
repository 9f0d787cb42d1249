using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

// PLACEHOLDER: replaced by the real supervisor.
public sealed class ProcessSupervisor(
    ClonerOptions options,
    IComponentStore store,
    ICloneFolders folders,
    CloneFeed feed,
    TimeProvider time,
    ILogger<ProcessSupervisor> logger) : IComponentSupervisor, IAsyncDisposable
{
    public Task<ComponentRecord> StartAsync(Clone clone, ComponentSpec spec, CancellationToken cancellationToken) =>
        throw new NotImplementedException($"{options}{store}{folders}{feed}{time}{logger}");

    public Task<ComponentRecord> StopAsync(Clone clone, ComponentSpec spec, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ComponentRecord Current(string clone, string component) => throw new NotImplementedException();

    public IReadOnlyList<LogLine> Tail(string clone, string component, int count) =>
        throw new NotImplementedException();

    public string LogFilePath(string clone, string component) => throw new NotImplementedException();

    public Task ReconcileAsync(IReadOnlyList<(Clone Clone, Blueprint? Blueprint)> clones,
        CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task ForgetAsync(string clone, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
