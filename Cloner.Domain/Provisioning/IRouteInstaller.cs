namespace Cloner.Domain.Provisioning;

/// <summary>Installs and removes a clone's nginx vhost file; every change goes through one lock.</summary>
public interface IRouteInstaller
{
    /// <summary>Why the route steps are skipped, or null when nginx is configured.</summary>
    string? NotConfiguredReason { get; }

    /// <summary>
    /// Writes the vhost to a temporary name, moves it into place and runs the nginx test. When
    /// the test fails, puts back what was there before, tests again and throws a
    /// <see cref="ProvisioningException"/> carrying the test's output.
    /// </summary>
    Task InstallAsync(string clone, string vhost, IProgress<string> progress,
        CancellationToken cancellationToken);

    /// <summary>Removes the vhost when it exists and runs the nginx test.</summary>
    Task RemoveAsync(string clone, IProgress<string> progress, CancellationToken cancellationToken);

    /// <summary>Runs the reload command.</summary>
    Task ReloadAsync(CancellationToken cancellationToken);

    bool Exists(string clone);
}
