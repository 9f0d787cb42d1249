using Cloner.Domain.Provisioning;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Provisioning;

// PLACEHOLDER: replaced by the real nginx implementation.
public sealed class NginxRouteInstaller(ClonerOptions options, ILogger<NginxRouteInstaller> logger)
    : IRouteInstaller
{
    public string? NotConfiguredReason => throw new NotImplementedException($"{options}{logger}");

    public Task InstallAsync(string clone, string vhost, IProgress<string> progress,
        CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task RemoveAsync(string clone, IProgress<string> progress, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task ReloadAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public bool Exists(string clone) => throw new NotImplementedException();
}
