namespace Cloner.Web.Hosting;

public static class WebRegistration
{
    /// <summary>
    /// The start-up work that runs before serving, in order: the step log listens first so
    /// the steps of recovery are logged too.
    /// </summary>
    public static IServiceCollection AddClonerStartup(this IServiceCollection services)
    {
        services.AddHostedService<StepEventLog>();
        services.AddHostedService<StartupRecovery>();
        return services;
    }
}
