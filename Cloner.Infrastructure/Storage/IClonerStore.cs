using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;

namespace Cloner.Infrastructure.Storage;

/// <summary>
/// One store as a whole: every store interface of the domain over one SQLite file or one
/// MongoDB database, plus what the start and the copy command need beyond them.
/// </summary>
public interface IClonerStore : IAsyncDisposable
{
    /// <summary>Where the store lives, safe to print: a file path, or host:port/database.</summary>
    string Location { get; }

    ICloneStore Clones { get; }

    IPortClaimStore PortClaims { get; }

    IStepEventStore StepEvents { get; }

    IComponentStore Components { get; }

    IUserAccountStore Users { get; }

    IAuditLog Audit { get; }

    IStoreHealth Health { get; }

    /// <summary>
    /// Creates the schema or the indexes; throws <see cref="StoreUnavailableException"/>.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Every step event of every clone, by clone name and then sequence.</summary>
    Task<IReadOnlyList<StepEvent>> ListAllStepEventsAsync(CancellationToken cancellationToken);

    /// <summary>Removes everything the store holds, for a copy that overwrites it.</summary>
    Task ClearAsync(CancellationToken cancellationToken);
}
