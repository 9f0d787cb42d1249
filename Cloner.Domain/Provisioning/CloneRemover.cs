using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Domain.Storage;

namespace Cloner.Domain.Provisioning;

/// <summary>
/// Runs the delete steps of one clone: stop, route, reload, database, files, release, forget.
/// Each step removes what the clone's record says it has, and does nothing where that is
/// gone already, so a half-made or half-deleted clone can always be deleted again.
/// </summary>
public sealed class CloneRemover(
    ICloneStore clones,
    IPortClaimStore claims,
    IStepEventStore stepEvents,
    IDatabaseProvisioner database,
    IRouteInstaller routes,
    ICloneFolders folders,
    IComponentSupervisor supervisor,
    CloneFeed feed,
    TimeProvider time)
{
    /// <summary>Stops the process at the named step, for the fault-injection tests of recovery.</summary>
    public Action<string>? AfterStep { get; set; }

    /// <summary>
    /// Deletes the clone. <paramref name="why"/>, when given, is reported first, as progress of
    /// the stop step: recovery says there which run it finishes and why.
    /// </summary>
    public async Task<DeleteOutcome> DeleteAsync(Clone clone, Blueprint? blueprint,
        string? why = null)
    {
        var history = await stepEvents.ListAsync(clone.Name, CancellationToken.None);
        var run = new StepRun(clone.Name, Operations.Delete,
            history.Count == 0 ? 1 : history.Max(e => e.Sequence) + 1, stepEvents, feed, time);
        await run.SaveFromNowAsync();
        if (why is not null)
        {
            await run.ReportAsync(Steps.Stop, StepEventKind.Progress, why);
        }

        clone = await SaveAsync(clone with { Status = CloneStatus.Deleting, StatusReason = null });
        var failures = new List<(string Step, string Reason)>();

        async Task Step(string step, Func<Task<string?>> work)
        {
            try
            {
                await run.RunAsync(step, work);
            }
            catch (StepFailedException failed)
            {
                failures.Add((step, failed.Reason));
            }

            AfterStep?.Invoke(step);
        }

        await Step(Steps.Stop, () => StopAsync(clone, blueprint));
        // The record keeps its route until nginx has reloaded without it: a delete whose reload
        // failed (nginx down, a reload that hung) reloads on the next delete, although its
        // route step then finds the vhost file gone already.
        var reloadOwed = false;
        await Step(Steps.Route, async () =>
        {
            var skip = await RemoveRouteAsync(clone, run);
            reloadOwed = clone.Made.Route;
            return skip;
        });
        await Step(Steps.Reload, async () =>
        {
            if (!reloadOwed)
            {
                return "the route step removed nothing, so nginx has nothing to unload";
            }

            await routes.ReloadAsync(CancellationToken.None);
            clone = await SaveAsync(clone with { Made = clone.Made with { Route = false } });
            return null;
        });
        await Step(Steps.Database, async () =>
        {
            var skip = await DropDatabaseAsync(clone);
            clone = await SaveAsync(clone with { Made = clone.Made with { Database = false, DatabaseUser = false } });
            return skip;
        });
        await Step(Steps.Files, async () =>
        {
            if (!clone.Made.Folder)
            {
                return $"clone '{clone.Name}' has no folder of its own";
            }

            if (!folders.Exists(clone.Name))
            {
                return $"the folder {folders.PathOf(clone.Name)} does not exist";
            }

            await folders.RemoveAsync(clone.Name, CancellationToken.None);
            clone = await SaveAsync(clone with { Made = clone.Made with { Folder = false } });
            return null;
        });
        await Step(Steps.Release, async () =>
        {
            await claims.ReleaseAsync(clone.Name, CancellationToken.None);
            return null;
        });

        if (failures.Count > 0)
        {
            var detail = string.Join("; ", failures.Select(f => $"{f.Step}: {f.Reason}"));
            var reason = failures.Count == 1 ? failures[0].Reason : detail;
            await SaveAsync(clone with
            {
                Status = CloneStatus.Failed,
                StatusReason = $"delete did not finish ({detail}); fix the cause and delete again",
            });
            return new DeleteOutcome(clone.Name, run.Events, failures[0].Step, reason);
        }

        await Step(Steps.Forget, async () =>
        {
            await supervisor.ForgetAsync(clone.Name, CancellationToken.None);
            return null;
        });
        run.StopSaving();
        await stepEvents.DeleteAsync(clone.Name, CancellationToken.None);
        await clones.DeleteAsync(clone.Name, CancellationToken.None);
        feed.Publish(new CloneUpdated(clone.Name, null));
        return new DeleteOutcome(clone.Name, run.Events, null, null);
    }

    private async Task<string?> StopAsync(Clone clone, Blueprint? blueprint)
    {
        if (blueprint is null)
        {
            // Without its blueprint the specs are unknown; Forget stops what still runs.
            await supervisor.ForgetAsync(clone.Name, CancellationToken.None);
            return null;
        }

        await Task.WhenAll(blueprint.Components.Select(spec =>
            supervisor.StopAsync(clone, spec, CancellationToken.None)));
        return null;
    }

    private async Task<string?> RemoveRouteAsync(Clone clone, StepRun run)
    {
        if (!clone.Made.Route)
        {
            return $"clone '{clone.Name}' has no vhost of its own";
        }

        if (routes.NotConfiguredReason is { } reason)
        {
            throw new ProvisioningException(
                $"clone '{clone.Name}' has a vhost, but {reason}; " +
                "configure Cloner:Nginx:VhostsDir and delete again");
        }

        if (!routes.Exists(clone.Name))
        {
            return $"the vhost of clone '{clone.Name}' is gone already";
        }

        await routes.RemoveAsync(clone.Name, run.ProgressOf(Steps.Route), CancellationToken.None);
        return null;
    }

    private async Task<string?> DropDatabaseAsync(Clone clone)
    {
        if (clone.DatabaseName is null || clone.DatabaseUser is null
            || !(clone.Made.Database || clone.Made.DatabaseUser))
        {
            return $"clone '{clone.Name}' has no database of its own";
        }

        if (database.NotConfiguredReason is { } reason)
        {
            throw new ProvisioningException(
                $"clone '{clone.Name}' has database {clone.DatabaseName}, but {reason}; " +
                "configure ConnectionStrings:MySqlAdmin and delete again");
        }

        await database.DropAsync(clone.DatabaseName, clone.DatabaseUser,
            clone.Made.Database, clone.Made.DatabaseUser, CancellationToken.None);
        return null;
    }

    private async Task<Clone> SaveAsync(Clone clone)
    {
        clone = clone with { UpdatedAt = time.GetUtcNow() };
        await clones.UpdateAsync(clone, CancellationToken.None);
        feed.Publish(new CloneUpdated(clone.Name, clone));
        return clone;
    }
}
