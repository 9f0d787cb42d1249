using System.Security.Cryptography;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Domain.Storage;

namespace Cloner.Domain.Provisioning;

/// <summary>
/// Runs the create steps of one clone in order. When a step fails, undoes the steps that
/// succeeded, newest first, each removing only what this run made, and says why.
/// </summary>
public sealed class CloneCreator(
    ICloneStore clones,
    IPortClaimStore claims,
    IStepEventStore stepEvents,
    IDatabaseProvisioner database,
    IRouteInstaller routes,
    ICloneFolders folders,
    ITemplateRenderer templates,
    IPortProbe probe,
    IComponentSupervisor supervisor,
    CloneFeed feed,
    TimeProvider time)
{
    public const int PasswordLength = 40;

    private const string PasswordAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Called after each step; fault injection kills Cloner here to test recovery.
    /// </summary>
    public Action<string>? AfterStep { get; set; }

    public async Task<CreateOutcome> CreateAsync(
        CreateCloneRequest request,
        Blueprint blueprint,
        string name,
        int number)
    {
        var run = new StepRun(name, Operations.Create, 1, stepEvents, feed, time);
        var state = new CreateState(request, blueprint, name, number);
        var undo = new Stack<(string Step, Func<Task> Undo)>();

        try
        {
            await RunAsync(run, Steps.Validate, () => Task.FromResult<string?>(null), undo, null);
            await RunAsync(run, Steps.Reserve, () => ReserveAsync(state, run), undo,
                () => ReleaseAsync(state, run));
            await RunAsync(run, Steps.Database, () => CreateDatabaseAsync(state), undo,
                () => DropDatabaseAsync(state));
            await RunAsync(run, Steps.Schema, () => RunSchemaAsync(state), undo, null);
            await RunAsync(run, Steps.Files, () => CopyFilesAsync(state), undo,
                () => RemoveFolderAsync(state));
            await RunAsync(run, Steps.Env, () => WriteEnvAsync(state), undo, null);
            await RunAsync(run, Steps.Route, () => InstallRouteAsync(state, run), undo,
                () => RemoveRouteAsync(state, run));
            await RunAsync(run, Steps.Reload, () => ReloadAsync(state), undo, null);
            await RunAsync(run, Steps.Register, () => RegisterAsync(state), undo, null);
            await RunAsync(run, Steps.Start, () => StartAsync(state), undo,
                () => StopAsync(state));
        }
        catch (StepFailedException failed)
        {
            await UndoAsync(run, state, undo, failed);
            return new CreateOutcome(name, null, run.Events, failed.Step, failed.Reason);
        }

        var view = state.Clone is null ? null : View(state);
        return new CreateOutcome(name, view, run.Events, null, null);
    }

    private async Task RunAsync(
        StepRun run,
        string step,
        Func<Task<string?>> work,
        Stack<(string, Func<Task>)> undo,
        Func<Task>? undoWork)
    {
        var result = await run.RunAsync(step, work);
        if (result == StepResult.Succeeded && undoWork is not null)
        {
            undo.Push((step, undoWork));
        }

        AfterStep?.Invoke(step);
    }

    private async Task UndoAsync(
        StepRun run,
        CreateState state,
        Stack<(string Step, Func<Task> Undo)> undo,
        StepFailedException failed)
    {
        var undoFailures = new List<string>();
        while (undo.TryPop(out var entry))
        {
            try
            {
                await entry.Undo();
                await run.ReportAsync(entry.Step, StepEventKind.Undone,
                    $"{entry.Step} undone after {failed.Step} failed");
            }
            catch (Exception ex)
            {
                var reason = StepRun.FailureText(ex);
                undoFailures.Add($"{entry.Step}: {reason}");
                await run.ReportAsync(entry.Step, StepEventKind.UndoFailed,
                    $"undo of {entry.Step} failed: {reason}");
            }
        }

        if (state.Clone is null || !state.Inserted)
        {
            return;
        }

        if (undoFailures.Count == 0)
        {
            // A component that was started and stopped again leaves a record and a log
            // folder behind; a later clone of the same name must not inherit them.
            await supervisor.ForgetAsync(state.Name, CancellationToken.None);
            run.StopSaving();
            await stepEvents.DeleteAsync(state.Name, CancellationToken.None);
            await clones.DeleteAsync(state.Name, CancellationToken.None);
            feed.Publish(new CloneUpdated(state.Name, null));
            return;
        }

        await SaveAsync(state, state.Clone with
        {
            Status = CloneStatus.Failed,
            StatusReason = $"{failed.Step} failed ({failed.Reason}) and its undo failed too " +
                $"({string.Join("; ", undoFailures)}); delete the clone to remove what is left",
        });
    }

    private async Task<string?> ReserveAsync(CreateState state, StepRun run)
    {
        var clone = new Clone
        {
            Name = state.Name,
            Blueprint = state.Blueprint.Name,
            Number = state.Number,
            Status = CloneStatus.Creating,
            Inputs = state.Blueprint.Inputs
                .Where(i => !i.Secret && state.Request.Inputs.ContainsKey(i.Key))
                .ToDictionary(i => i.Key, i => state.Request.Inputs[i.Key]),
            Folder = folders.PathOf(state.Name),
            CreatedAt = time.GetUtcNow(),
            UpdatedAt = time.GetUtcNow(),
        };

        if (!await clones.TryInsertAsync(clone, CancellationToken.None))
        {
            throw new CloneNameTakenException(state.Name);
        }

        state.Clone = clone;
        state.Inserted = true;
        await run.SaveFromNowAsync();
        feed.Publish(new CloneUpdated(state.Name, clone));

        var ports = new Dictionary<string, int>();
        foreach (var slot in state.Blueprint.Ports)
        {
            ports[slot.Name] = await ClaimPortAsync(state.Name, slot);
        }

        await SaveAsync(state, clone with { Ports = ports });
        return null;
    }

    private async Task<int> ClaimPortAsync(string clone, PortSlot slot)
    {
        var claimed = (await claims.ListAsync(CancellationToken.None))
            .Select(c => c.Port)
            .ToHashSet();
        for (var port = slot.From; port <= slot.To; port++)
        {
            if (claimed.Contains(port) || probe.IsInUse(port))
            {
                continue;
            }

            var claim = new PortClaim(port, clone, slot.Name);
            if (await claims.TryClaimAsync(claim, CancellationToken.None))
            {
                return port;
            }
        }

        throw new ProvisioningException(
            $"no free port left for ports.{slot.Name} in {slot.From}-{slot.To}: every port is " +
            "claimed by a clone or already listened on; widen the range in blueprint.yaml");
    }

    private async Task ReleaseAsync(CreateState state, StepRun run)
    {
        await claims.ReleaseAsync(state.Name, CancellationToken.None);
        _ = run;
    }

    private async Task<string?> CreateDatabaseAsync(CreateState state)
    {
        if (database.NotConfiguredReason is { } reason)
        {
            return reason;
        }

        var databaseName = CloneName.DatabaseName(state.Name);
        var user = CloneName.UserName(state.Name);
        await RefuseExistingDatabaseAsync(databaseName, user);

        // The record of intent comes before CREATE DATABASE: nothing of these names existed a
        // moment ago, so if Cloner dies from here on, what recovery finds by them is this run's.
        await SaveAsync(state, state.Clone! with
        {
            DatabaseName = databaseName,
            DatabaseUser = user,
            Made = state.Clone!.Made with { Database = true, DatabaseUser = true },
        });

        state.DatabasePassword = RandomNumberGenerator.GetString(PasswordAlphabet, PasswordLength);
        var made = new List<DatabaseMade>();
        try
        {
            await database.CreateAsync(databaseName, user, state.DatabasePassword,
                m => { lock (made) { made.Add(m); } }, CancellationToken.None);
        }
        catch
        {
            // The undo of a failed step does not run, so drop here what this call made, and
            // let the record claim only that (nothing, once it is dropped).
            if (made.Count > 0)
            {
                await database.DropAsync(databaseName, user,
                    made.Contains(DatabaseMade.Database), made.Contains(DatabaseMade.User),
                    CancellationToken.None);
            }

            await SaveAsync(state, state.Clone! with
            {
                DatabaseName = null,
                DatabaseUser = null,
                Made = state.Clone!.Made with { Database = false, DatabaseUser = false },
            });
            throw;
        }

        state.DatabaseCreated = true;
        return null;
    }

    private async Task RefuseExistingDatabaseAsync(string databaseName, string user)
    {
        var (databaseExists, userExists) =
            await database.ExistsAsync(databaseName, user, CancellationToken.None);
        if (databaseExists || userExists)
        {
            var what = databaseExists ? $"database {databaseName}" : $"user {user}";
            throw new ProvisioningException(
                $"the MySQL {what} exists already and Cloner did not make it for this clone; " +
                "drop it yourself if it is not needed, or pick another clone name");
        }
    }

    private async Task DropDatabaseAsync(CreateState state)
    {
        var clone = state.Clone!;
        await database.DropAsync(clone.DatabaseName!, clone.DatabaseUser!,
            clone.Made.Database, clone.Made.DatabaseUser, CancellationToken.None);
        await SaveAsync(state, clone with
        {
            Made = clone.Made with { Database = false, DatabaseUser = false },
        });
    }

    private async Task<string?> RunSchemaAsync(CreateState state)
    {
        if (!state.DatabaseCreated)
        {
            return "the database step was skipped, so there is no database to run the schema in";
        }

        if (state.Blueprint.SchemaSql is not { } schema)
        {
            return $"blueprint '{state.Blueprint.Name}' has no database.schema";
        }

        var clone = state.Clone!;
        await database.RunSchemaAsync(clone.DatabaseName!, clone.DatabaseUser!,
            state.DatabasePassword!, schema, CancellationToken.None);
        return null;
    }

    private async Task<string?> CopyFilesAsync(CreateState state)
    {
        if (folders.Exists(state.Name))
        {
            throw new ProvisioningException(
                $"the folder {folders.PathOf(state.Name)} exists already and no clone owns it; " +
                "move it away or pick another name");
        }

        // Recorded before the copy: a folder of this name found after a crash is this run's.
        await SaveAsync(state, state.Clone! with
        {
            Made = state.Clone!.Made with { Folder = true },
        });
        try
        {
            await folders.CopyBlueprintAsync(state.Blueprint, state.Name, CancellationToken.None);
        }
        catch
        {
            // A copy that failed half way leaves a folder this run made; the undo of a failed
            // step does not run, so remove it here.
            if (folders.Exists(state.Name))
            {
                await folders.RemoveAsync(state.Name, CancellationToken.None);
            }

            await SaveAsync(state, state.Clone! with
            {
                Made = state.Clone!.Made with { Folder = false },
            });
            throw;
        }

        return null;
    }

    private async Task RemoveFolderAsync(CreateState state)
    {
        await folders.RemoveAsync(state.Name, CancellationToken.None);
        await SaveAsync(state,
            state.Clone! with { Made = state.Clone!.Made with { Folder = false } });
    }

    private async Task<string?> WriteEnvAsync(CreateState state)
    {
        var model = Model(state);
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var entry in state.Blueprint.Env)
        {
            var value = templates.Render($"env.{entry.Key}", entry.Template, model);
            if (EnvFile.ValueProblem(value) is { } problem)
            {
                throw new ProvisioningException(
                    $"env.{entry.Key} rendered to a value that {problem}");
            }

            entries.Add(new(entry.Key, value));
        }

        await folders.WriteEnvAsync(state.Name, EnvFile.Write(entries), CancellationToken.None);
        return null;
    }

    private async Task<string?> InstallRouteAsync(CreateState state, StepRun run)
    {
        if (routes.NotConfiguredReason is { } reason)
        {
            return reason;
        }

        if (state.Blueprint.NginxTemplate is not { } template)
        {
            return $"blueprint '{state.Blueprint.Name}' has no nginx.template";
        }

        if (routes.Exists(state.Name))
        {
            throw new ProvisioningException(
                $"a vhost for '{state.Name}' exists already and no clone owns it; " +
                "remove it from the vhosts folder or pick another name");
        }

        var vhost = templates.Render("nginx template", template, Model(state));

        // Recorded before the install: a vhost of this name found after a crash is this run's.
        await SaveAsync(state,
            state.Clone! with { Made = state.Clone!.Made with { Route = true } });
        try
        {
            await routes.InstallAsync(state.Name, vhost, run.ProgressOf(Steps.Route),
                CancellationToken.None);
        }
        catch
        {
            // A failed install has put back what was there, which was nothing of this clone's.
            await SaveAsync(state, state.Clone! with
            {
                Made = state.Clone!.Made with { Route = false },
            });
            throw;
        }

        state.RouteInstalled = true;
        return null;
    }

    private async Task RemoveRouteAsync(CreateState state, StepRun run)
    {
        await routes.RemoveAsync(state.Name, run.ProgressOf(Steps.Route), CancellationToken.None);
        await SaveAsync(state,
            state.Clone! with { Made = state.Clone!.Made with { Route = false } });
        try
        {
            await routes.ReloadAsync(CancellationToken.None);
        }
        catch (ProvisioningException) when (!state.RouteLoaded)
        {
            // nginx never loaded the vhost (the reload step did not succeed), so what it runs
            // is what it ran before this create; the file is gone, which is all there is to undo.
            run.ProgressOf(Steps.Route).Report(
                "vhost removed; nginx had not loaded it, so its reload failing changes nothing");
        }
    }

    private async Task<string?> ReloadAsync(CreateState state)
    {
        if (!state.RouteInstalled)
        {
            return "the route step was skipped, so nginx has nothing new to load";
        }

        await routes.ReloadAsync(CancellationToken.None);
        state.RouteLoaded = true;
        return null;
    }

    private async Task<string?> RegisterAsync(CreateState state)
    {
        await SaveAsync(state, state.Clone! with { Status = CloneStatus.Ready });
        return null;
    }

    private async Task<string?> StartAsync(CreateState state)
    {
        var autostart = state.Blueprint.Components.Where(c => c.Autostart).ToList();
        if (autostart.Count == 0)
        {
            return "no component is marked autostart";
        }

        foreach (var spec in autostart)
        {
            state.Started.Add(spec);
            var record = await supervisor.StartAsync(state.Clone!, spec, CancellationToken.None);
            if (record.State is ComponentState.Fatal or ComponentState.Exited)
            {
                throw new ProvisioningException(
                    $"component {spec.Name} did not start: " +
                    (record.Message ?? record.State.ToString()));
            }
        }

        return null;
    }

    private async Task StopAsync(CreateState state)
    {
        foreach (var spec in state.Started)
        {
            await supervisor.StopAsync(state.Clone!, spec, CancellationToken.None);
        }
    }

    private async Task SaveAsync(CreateState state, Clone clone)
    {
        clone = clone with { UpdatedAt = time.GetUtcNow() };
        state.Clone = clone;
        await clones.UpdateAsync(clone, CancellationToken.None);
        feed.Publish(new CloneUpdated(clone.Name, clone));
    }

    private TemplateModel Model(CreateState state)
    {
        var clone = state.Clone!;
        var db = new Dictionary<string, string>
        {
            ["host"] = database.Endpoint.Host,
            ["port"] = database.Endpoint.Port.ToString(
                System.Globalization.CultureInfo.InvariantCulture),
            ["name"] = clone.DatabaseName ?? "",
            ["user"] = clone.DatabaseUser ?? "",
            ["password"] = state.DatabasePassword ?? "",
        };
        var inputs = state.Blueprint.Inputs.ToDictionary(
            i => i.Key,
            i => state.Request.Inputs.TryGetValue(i.Key, out var v) ? v : "");
        return new TemplateModel(clone.Name, clone.Number, clone.Folder, inputs, clone.Ports, db);
    }

    private CloneView View(CreateState state) => new(
        state.Clone!,
        state.Blueprint.Components
            .Select(c => new ComponentView(
                c.Name, supervisor.Current(state.Name, c.Name), null, c.Autostart))
            .ToList());

    private sealed class CreateState(
        CreateCloneRequest request, Blueprint blueprint, string name, int number)
    {
        public CreateCloneRequest Request { get; } = request;

        public Blueprint Blueprint { get; } = blueprint;

        public string Name { get; } = name;

        public int Number { get; } = number;

        public Clone? Clone { get; set; }

        public bool Inserted { get; set; }

        public string? DatabasePassword { get; set; }

        public bool DatabaseCreated { get; set; }

        public bool RouteInstalled { get; set; }

        public bool RouteLoaded { get; set; }

        public List<ComponentSpec> Started { get; } = [];
    }
}
