using Microsoft.Extensions.DependencyInjection;

namespace Cloner.Infrastructure.Storage;

public static class StoreRegistration
{
    /// <summary>
    /// Registers every store interface of Cloner.Domain.Storage: the MongoDB store when
    /// ConnectionStrings:Mongo is set, else the embedded SQLite store in DataDir/cloner.db.
    /// </summary>
    public static IServiceCollection AddClonerStore(this IServiceCollection services, ClonerOptions options)
    {
        // PLACEHOLDER: replaced by the real store registration.
        _ = options;
        return services;
    }
}
