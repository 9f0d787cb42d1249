using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;

namespace Cloner.Domain.Storage;

public interface ICloneStore
{
    /// <summary>Inserts the clone; false when the name is taken (a unique index is the claim).</summary>
    Task<bool> TryInsertAsync(Clone clone, CancellationToken cancellationToken);

    /// <summary>Replaces the stored clone of the same name.</summary>
    Task UpdateAsync(Clone clone, CancellationToken cancellationToken);

    Task<Clone?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>All clones, ordered by name.</summary>
    Task<IReadOnlyList<Clone>> ListAsync(CancellationToken cancellationToken);

    Task DeleteAsync(string name, CancellationToken cancellationToken);
}

/// <summary>One port claimed by one clone for one slot.</summary>
public sealed record PortClaim(int Port, string CloneName, string Slot);

public interface IPortClaimStore
{
    /// <summary>Claims the port; false when it is claimed already (a unique index is the claim).</summary>
    Task<bool> TryClaimAsync(PortClaim claim, CancellationToken cancellationToken);

    Task<IReadOnlyList<PortClaim>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Releases every claim of the clone.</summary>
    Task ReleaseAsync(string clone, CancellationToken cancellationToken);
}

public interface IStepEventStore
{
    Task AppendAsync(StepEvent stepEvent, CancellationToken cancellationToken);

    /// <summary>The clone's events in order of sequence.</summary>
    Task<IReadOnlyList<StepEvent>> ListAsync(string clone, CancellationToken cancellationToken);

    Task DeleteAsync(string clone, CancellationToken cancellationToken);
}

public interface IComponentStore
{
    /// <summary>Inserts or replaces the record of (clone, component).</summary>
    Task UpsertAsync(ComponentRecord record, CancellationToken cancellationToken);

    Task<IReadOnlyList<ComponentRecord>> ListAsync(CancellationToken cancellationToken);

    Task DeleteAsync(string clone, CancellationToken cancellationToken);
}

/// <summary>A user of the dashboard, with the fields ASP.NET Core Identity keeps.</summary>
public sealed record UserAccount
{
    public required string Id { get; init; }

    public required string UserName { get; init; }

    public required string NormalizedUserName { get; init; }

    public string? PasswordHash { get; init; }

    public string? SecurityStamp { get; init; }

    public string? ConcurrencyStamp { get; init; }

    public bool LockoutEnabled { get; init; } = true;

    public DateTimeOffset? LockoutEnd { get; init; }

    public int AccessFailedCount { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }
}

public interface IUserAccountStore
{
    /// <summary>Inserts the user; false when the id or the normalized name is taken.</summary>
    Task<bool> TryCreateAsync(UserAccount user, CancellationToken cancellationToken);

    Task UpdateAsync(UserAccount user, CancellationToken cancellationToken);

    Task DeleteAsync(string id, CancellationToken cancellationToken);

    Task<UserAccount?> FindByIdAsync(string id, CancellationToken cancellationToken);

    Task<UserAccount?> FindByNormalizedNameAsync(string normalizedUserName,
        CancellationToken cancellationToken);

    Task<int> CountAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>Who did what, kept for the operator.</summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string User,
    string Action,
    string? CloneName,
    string? Detail);

public interface IAuditLog
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>The newest entries first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(int limit, CancellationToken cancellationToken);
}

/// <summary>Whether the store answers, for the health check.</summary>
public interface IStoreHealth
{
    /// <summary>The kind of store, such as "embedded (SQLite)" or "MongoDB".</summary>
    string Kind { get; }

    Task<bool> PingAsync(CancellationToken cancellationToken);
}
