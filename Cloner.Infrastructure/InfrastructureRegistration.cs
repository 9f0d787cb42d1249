using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Infrastructure.Blueprints;
using Cloner.Infrastructure.Processes;
using Cloner.Infrastructure.Provisioning;
using Cloner.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cloner.Infrastructure;

public static class InfrastructureRegistration
{
    /// <summary>Registers the domain services and the real-world parts behind their interfaces.</summary>
    public static IServiceCollection AddCloner(this IServiceCollection services, ClonerOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddClonerStore(options);

        services.AddSingleton<IBlueprintCatalog, YamlBlueprintCatalog>();
        services.AddSingleton<ITemplateRenderer, FluidTemplateRenderer>();
        services.AddSingleton<IDatabaseProvisioner, MySqlDatabaseProvisioner>();
        services.AddSingleton<IRouteInstaller, NginxRouteInstaller>();
        services.AddSingleton<ICloneFolders, CloneFolders>();
        services.AddSingleton<IPortProbe, TcpPortProbe>();

        services.AddSingleton<ProcessSupervisor>();
        services.AddSingleton<IComponentSupervisor>(sp => sp.GetRequiredService<ProcessSupervisor>());
        services.AddSingleton<ResourceMonitor>();
        services.AddSingleton<IResourceMonitor>(sp => sp.GetRequiredService<ResourceMonitor>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ResourceMonitor>());

        services.AddSingleton<CloneFeed>();
        services.AddSingleton<CloneLocks>();
        services.AddSingleton<CloneCreator>();
        services.AddSingleton<CloneRemover>();
        services.AddSingleton<CloneService>();
        services.AddHostedService<FaultInjection>();
        return services;
    }
}
