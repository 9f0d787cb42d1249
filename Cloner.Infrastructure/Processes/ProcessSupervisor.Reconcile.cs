using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

public sealed partial class ProcessSupervisor
{
    /// <summary>
    /// Run once at start. A recorded process that is still the same one (pid, start ticks and
    /// command line) is re-adopted: its log relays kept writing while no Cloner ran, so the
    /// ring is filled from their files and their tails follow on from there.
    /// </summary>
    public async Task ReconcileAsync(
        IReadOnlyList<(Clone Clone, Blueprint? Blueprint)> clones,
        CancellationToken cancellationToken)
    {
        var known = clones.ToDictionary(c => c.Clone.Name);
        var records = await _store.ListAsync(cancellationToken);
        foreach (var record in records)
        {
            known.TryGetValue(record.CloneName, out var clone);
            await ReconcileRecordAsync(record, clone.Clone, clone.Blueprint, cancellationToken);
        }

        var recorded = records.Select(r => (r.CloneName, r.Component)).ToHashSet();
        foreach (var (clone, blueprint) in clones)
        {
            foreach (var spec in blueprint?.Components ?? [])
            {
                if (spec.Autostart && !recorded.Contains((clone.Name, spec.Name)))
                {
                    await StartAsync(clone, spec, cancellationToken);
                }
            }
        }

        await StopStraysAsync();
    }

    private async Task ReconcileRecordAsync(
        ComponentRecord record,
        Clone? clone,
        Blueprint? blueprint,
        CancellationToken cancellationToken)
    {
        var entry = Entry(record.CloneName, record.Component);
        var spec = blueprint?.FindComponent(record.Component);
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            if (entry.Run is not null)
            {
                return;
            }

            entry.Record = record;
            entry.Spec = spec;
            entry.LastClone = clone;
            if (record.Pid is { } pid
                && IsSameProcess(pid, record.ProcessStartTicks, record.CommandLine,
                    allowZombie: false, (record.CloneName, record.Component)))
            {
                await AdoptAsync(entry, record, pid);
                return;
            }

            if (record.State is ComponentState.Starting or ComponentState.Running
                or ComponentState.Stopping or ComponentState.Backoff || record.Pid is not null)
            {
                _logger.LogInformation(
                    "{Clone}/{Component} ({Pid}) was not running any more when Cloner started",
                    record.CloneName, record.Component, record.Pid);
                await SaveAsync(entry, record with
                {
                    State = ComponentState.Stopped,
                    Pid = null,
                    ProcessStartTicks = null,
                    CommandLine = null,
                    Message = "its process was gone when Cloner started",
                });
            }

            if (record.WantedRunning && clone is { Status: CloneStatus.Ready } && spec is not null)
            {
                entry.Failures = 0;
                await LaunchAsync(entry, clone, spec, restarts: 0);
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task AdoptAsync(SupervisedComponent entry, ComponentRecord record, int pid)
    {
        // The tails and pidfds are opened in the launch turn, so a start's count holds them;
        // a re-adopted run is not refused, its process runs already.
        ComponentRun run;
        List<RelayWatch> relays;
        await _launchTurn.WaitAsync();
        try
        {
            FollowDuringTurn(entry);
            relays = AdoptedRelays(RelaysOf(entry.Log.Folder));
            run = new ComponentRun
            {
                Pid = pid,
                StartTicks = record.ProcessStartTicks,
                CommandLine = record.CommandLine,
                StartedAt = record.StartedAt ?? _time.GetUtcNow(),
                Relays = Task.WhenAll(relays.Select(r => r.Ended)),
            };
            entry.Run = run;
            _logger.LogInformation(
                "Re-adopted {Clone}/{Component} ({Pid}) with {Relays} of its 2 log relays running",
                record.CloneName, record.Component, pid, relays.Count(r => !r.Ended.IsCompleted));
            entry.Log.Note($"re-adopted pid {pid} after a Cloner restart");
            _ = WatchAdoptedAsync(entry, run);
        }
        finally
        {
            _launchTurn.Release();
        }

        if (!record.WantedRunning || entry.Spec is null)
        {
            await StopRunAsync(entry, run, entry.Spec?.StopTimeout ?? TimeSpan.FromSeconds(10));
            return;
        }

        await SaveAsync(entry, record with { State = ComponentState.Running, Message = null });
        _ = WatchRelaysAsync(entry, run, relays);
    }

    /// <summary>
    /// The svlogd processes (pid and start ticks) that write a component's log folder, and
    /// which stream each reads, found by their command line (read once each), since a
    /// re-adopted run's relays are not this Cloner's children.
    /// </summary>
    private static List<(ProcStat Relay, bool IsError)> RelaysOf(string folder)
    {
        var streams = new[] { false, true }
            .Select(isError => (Ending: " " + ComponentLog.StreamFolder(folder, isError), isError))
            .ToList();
        return ProcFs.All()
            .Where(s => s.Comm == "svlogd" && !s.IsZombie)
            .SelectMany(s => ProcFs.CommandLine(s.Pid) is { } line
                ? streams.Where(e => line.EndsWith(e.Ending, StringComparison.Ordinal))
                    .Select(e => (s, e.isError))
                : [])
            .ToList();
    }

    /// <summary>
    /// Completes when the relay is gone: through a <see cref="PidWatch"/>, or by polling /proc
    /// without pidfds.
    /// </summary>
    private async Task RelayEndsAsync(ProcStat relay)
    {
        bool IsRunning() => IsSameProcess(
            relay.Pid, relay.StartTicks, commandLine: null, allowZombie: false);

        if (PidWatch.WhenExited(relay.Pid, IsRunning) is { } watched)
        {
            await watched;
            return;
        }

        while (IsRunning())
        {
            await Task.Delay(_relayPoll);
        }
    }

    /// <summary>
    /// Stops the process groups that carry this Cloner's markers (same data folder) but that
    /// no component owns: left over from a run whose record was lost.
    /// </summary>
    private async Task StopStraysAsync()
    {
        var ours = _components.Values.Select(e => e.Run?.Pid).OfType<int>().ToHashSet();
        var self = Environment.ProcessId;
        var ownGroup = ProcFs.Stat(self)?.ProcessGroup;
        var strays = ProcFs.All()
            .Where(s => s.Pid != self && s.ProcessGroup > 1 && s.ProcessGroup != ownGroup
                && !ours.Contains(s.ProcessGroup) && !s.IsZombie
                && ProcFs.EnvironmentValue(s.Pid, "CLONER_CLONE") is not null
                && ProcFs.EnvironmentValue(s.Pid, DataDirVariable) == _options.DataDir)
            .GroupBy(s => s.ProcessGroup)
            .Select(g => g.First())
            .ToList();
        if (strays.Count == 0)
        {
            return;
        }

        foreach (var stray in strays)
        {
            _logger.LogWarning(
                "Stopping process group {Pid} ({Command}): it carries CLONER_CLONE "
                + "but no component owns it",
                stray.ProcessGroup, stray.Comm);
            SignalStray(stray, ProcFs.SigTerm);
        }

        var deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(10);
        while (strays.Any(s => ProcFs.GroupHasLiveMembers(s.ProcessGroup))
            && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(_groupPoll);
        }

        foreach (var stray in strays.Where(s => ProcFs.GroupHasLiveMembers(s.ProcessGroup)))
        {
            SignalStray(stray, ProcFs.SigKill);
        }
    }

    /// <summary>
    /// Signals the stray's group once a process in it is checked: the one seen, still with
    /// its start ticks, or another member that carries this Cloner's marker.
    /// </summary>
    private void SignalStray(ProcStat seen, int signal)
    {
        var now = ProcFs.Stat(seen.Pid);
        var checkedMember = now is not null && now.StartTicks == seen.StartTicks
            && now.ProcessGroup == seen.ProcessGroup;
        checkedMember = checkedMember || ProcFs.All().Any(s => s.ProcessGroup == seen.ProcessGroup
            && !s.IsZombie && ProcFs.EnvironmentValue(s.Pid, DataDirVariable) == _options.DataDir);
        if (!checkedMember)
        {
            return;
        }

        try
        {
            ProcFs.SignalGroup(seen.ProcessGroup, signal);
        }
        catch (IOException ex)
        {
            _logger.LogError(ex, "Could not signal process group {Pid}", seen.ProcessGroup);
        }
    }
}
