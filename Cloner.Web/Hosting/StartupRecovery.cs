using Cloner.Domain.Clones;
using Cloner.Web.Identity;

namespace Cloner.Web.Hosting;

/// <summary>
/// Runs before Kestrel serves: creates the bootstrap admin when there is no user, then lets
/// <see cref="CloneService.RecoverAsync"/> finish half-done creates and deletes and reconcile
/// the components with what runs.
/// </summary>
public sealed class StartupRecovery(
    IServiceScopeFactory scopes,
    CloneService clones,
    ILogger<StartupRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BootstrapAdmin>()
                .EnsureAsync(cancellationToken);
        }

        logger.LogInformation("Recovering clones and reconciling their components");
        await clones.RecoverAsync(cancellationToken);
        logger.LogInformation("Recovery done");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
