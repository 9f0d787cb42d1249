using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

// PLACEHOLDER: replaced by the real /proc sampler.
public sealed class ResourceMonitor(
    IComponentSupervisor supervisor,
    CloneFeed feed,
    TimeProvider time,
    ILogger<ResourceMonitor> logger) : BackgroundService, IResourceMonitor
{
    public ResourceSample? Latest(string clone, string component) =>
        throw new NotImplementedException($"{supervisor}{feed}{time}{logger}");

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}
