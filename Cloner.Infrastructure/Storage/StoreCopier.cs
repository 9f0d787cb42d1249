using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Storage;

/// <summary>How many records of each kind a copy wrote.</summary>
public sealed record StoreCopyCounts(
    int Clones,
    int PortClaims,
    int StepEvents,
    int Components,
    int Users,
    int AuditEntries)
{
    public override string ToString() => string.Join(", ",
        Counted(Clones, "clone", "clones"),
        Counted(PortClaims, "port claim", "port claims"),
        Counted(StepEvents, "step event", "step events"),
        Counted(Components, "component", "components"),
        Counted(Users, "user", "users"),
        Counted(AuditEntries, "audit entry", "audit entries"));

    internal static string Counted(int count, string one, string many) =>
        $"{count} {(count == 1 ? one : many)}";
}

/// <summary>The target of a copy holds records already and was not to be overwritten.</summary>
public sealed class StoreNotEmptyException(string message) : Exception(message);

/// <summary>
/// Copies all of Cloner's metadata from one store to another, such as from the embedded store
/// to MongoDB. A target that holds anything is refused unless the copy overwrites it, and then
/// it is cleared first. The copy is not one transaction: if it fails half-way, the target holds
/// part of the source and the copy is run again with overwrite.
/// </summary>
public sealed class StoreCopier(ILogger<StoreCopier> logger)
{
    public async Task<StoreCopyCounts> CopyAsync(
        IClonerStore from,
        IClonerStore to,
        bool overwrite,
        CancellationToken cancellationToken)
    {
        if (from.Health.Kind == to.Health.Kind && from.Location == to.Location)
        {
            throw new ArgumentException(
                $"The source and the target are the same store ({from.Location}); "
                + "name another target.");
        }

        var held = await CountAsync(to, cancellationToken);
        if (held.Total > 0 && !overwrite)
        {
            throw new StoreNotEmptyException(
                $"The target store {to.Location} already holds {held}. Copy with overwrite "
                + "(--overwrite) to replace what it holds, or name an empty target.");
        }

        if (held.Total > 0)
        {
            await to.ClearAsync(cancellationToken);
        }

        var counts = await CopyRecordsAsync(from, to, cancellationToken);
        logger.LogInformation(
            "Store copied from {Source} to {Target}: {Counts}",
            from.Location,
            to.Location,
            counts.ToString());
        return counts;
    }

    private static async Task<StoreCopyCounts> CopyRecordsAsync(
        IClonerStore from,
        IClonerStore to,
        CancellationToken cancellationToken)
    {
        var clones = await from.Clones.ListAsync(cancellationToken);
        foreach (var clone in clones)
        {
            var written = await to.Clones.TryInsertAsync(clone, cancellationToken);
            Require(written, $"clone {clone.Name}");
        }

        var claims = await from.PortClaims.ListAsync(cancellationToken);
        foreach (var claim in claims)
        {
            var written = await to.PortClaims.TryClaimAsync(claim, cancellationToken);
            Require(written, $"port {claim.Port}");
        }

        var steps = await from.ListAllStepEventsAsync(cancellationToken);
        foreach (var step in steps)
        {
            await to.StepEvents.AppendAsync(step, cancellationToken);
        }

        var components = await from.Components.ListAsync(cancellationToken);
        foreach (var component in components)
        {
            await to.Components.UpsertAsync(component, cancellationToken);
        }

        var users = await from.Users.ListAsync(cancellationToken);
        foreach (var user in users)
        {
            var written = await to.Users.TryCreateAsync(user, cancellationToken);
            Require(written, $"user {user.UserName}");
        }

        var audit = await from.Audit.ListAsync(int.MaxValue, cancellationToken);
        foreach (var entry in audit.Reverse())
        {
            await to.Audit.AppendAsync(entry, cancellationToken);
        }

        return new StoreCopyCounts(
            clones.Count,
            claims.Count,
            steps.Count,
            components.Count,
            users.Count,
            audit.Count);
    }

    private static async Task<HeldRecords> CountAsync(
        IClonerStore store,
        CancellationToken cancellationToken) =>
        new(
            (await store.Clones.ListAsync(cancellationToken)).Count,
            (await store.PortClaims.ListAsync(cancellationToken)).Count,
            (await store.ListAllStepEventsAsync(cancellationToken)).Count,
            (await store.Components.ListAsync(cancellationToken)).Count,
            await store.Users.CountAsync(cancellationToken),
            (await store.Audit.ListAsync(1, cancellationToken)).Count);

    private static void Require(bool written, string what)
    {
        if (!written)
        {
            throw new InvalidOperationException(
                $"The target store refused {what} as taken although it was cleared; copy again.");
        }
    }

    private sealed record HeldRecords(
        int Clones,
        int PortClaims,
        int StepEvents,
        int Components,
        int Users,
        int Audit)
    {
        public int Total => Clones + PortClaims + StepEvents + Components + Users + Audit;

        public override string ToString() =>
            string.Join(", ",
                StoreCopyCounts.Counted(Clones, "clone", "clones"),
                StoreCopyCounts.Counted(PortClaims, "port claim", "port claims"),
                StoreCopyCounts.Counted(StepEvents, "step event", "step events"),
                StoreCopyCounts.Counted(Components, "component", "components"),
                StoreCopyCounts.Counted(Users, "user", "users"))
            + (Audit > 0 ? " and audit entries" : " and no audit entries");
    }
}
