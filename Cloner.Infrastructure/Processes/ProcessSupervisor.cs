using System.Collections;
using System.Collections.Concurrent;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Runs components as real processes that do not depend on Cloner: each is spawned with
/// <see cref="PosixSpawn"/> as the leader of a session and process group of its own, its
/// stdout and stderr go through pipes to two log relays (<see cref="LogRelay"/>, runit's
/// svlogd) that Cloner does not hold, and Cloner follows the relays' files. A stop signals the
/// whole group. One gate per component keeps starts and stops of it in order.
/// </summary>
public sealed partial class ProcessSupervisor : IComponentSupervisor, IAsyncDisposable
{
    /// <summary>
    /// Set in every component's environment, so strays of this Cloner can be told apart.
    /// </summary>
    public const string DataDirVariable = "CLONER_DATA_DIR";

    private static readonly TimeSpan _adoptedPoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan _relayPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan _groupPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan _reapWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _outputWait = TimeSpan.FromSeconds(1);

    private readonly ClonerOptions _options;
    private readonly IComponentStore _store;
    private readonly ICloneFolders _folders;
    private readonly CloneFeed _feed;
    private readonly TimeProvider _time;
    private readonly ILogger<ProcessSupervisor> _logger;
    private readonly ConcurrentDictionary<(string Clone, string Component), SupervisedComponent>
        _components = new();
    private readonly CancellationTokenSource _shutdown = new();

    public ProcessSupervisor(
        ClonerOptions options,
        IComponentStore store,
        ICloneFolders folders,
        CloneFeed feed,
        TimeProvider time,
        ILogger<ProcessSupervisor> logger)
    {
        _options = options;
        _store = store;
        _folders = folders;
        _feed = feed;
        _time = time;
        _logger = logger;

        // Their one descriptor each for the whole process is open before any component runs,
        // so it is not taken for the cost of the first.
        PidWatch.Prepare();
        FileWatch.Prepare(logger);
    }

    public Task<ComponentRecord> StartAsync(
        Clone clone, ComponentSpec spec, CancellationToken cancellationToken) =>
        UnderGateAsync(clone, spec, cancellationToken, isStop: false, async entry =>
        {
            if (entry.Run is not null)
            {
                return entry.Record;
            }

            entry.CancelPendingRestart();
            entry.Failures = 0;
            return await LaunchAsync(entry, clone, spec, restarts: 0);
        });

    public Task<ComponentRecord> StopAsync(
        Clone clone, ComponentSpec spec, CancellationToken cancellationToken) =>
        UnderGateAsync(clone, spec, cancellationToken, isStop: true, async entry =>
        {
            entry.CancelPendingRestart();
            if (entry.Run is { } run)
            {
                return await StopRunAsync(entry, run, spec.StopTimeout);
            }

            if (entry.Record.State is ComponentState.Backoff or ComponentState.Fatal
                || entry.Record.WantedRunning)
            {
                entry.Log.Note("stopped by hand; no restart is pending any more");
                return await SaveAsync(entry, entry.Record with
                {
                    State = ComponentState.Stopped,
                    WantedRunning = false,
                    Message = null,
                });
            }

            return entry.Record;
        });

    public Task<ComponentRecord> RestartAsync(
        Clone clone, ComponentSpec spec, CancellationToken cancellationToken) =>
        UnderGateAsync(clone, spec, cancellationToken, isStop: false, async entry =>
        {
            entry.CancelPendingRestart();
            if (entry.Run is { } run)
            {
                await StopRunAsync(entry, run, spec.StopTimeout, wantedRunning: true);
            }

            entry.Failures = 0;
            return await LaunchAsync(entry, clone, spec, restarts: 0);
        });

    public ComponentRecord Current(string clone, string component) =>
        _components.TryGetValue((clone, component), out var entry)
            ? entry.Record
            : new ComponentRecord { CloneName = clone, Component = component };

    public IReadOnlyList<LogLine> Tail(string clone, string component, int count)
    {
        if (_components.TryGetValue((clone, component), out var entry) && entry.Log.Ring.Count > 0)
        {
            return entry.Log.Ring.Tail(count);
        }

        return ComponentLog.ReadFiles(ComponentLogsDir(clone, component), count);
    }

    /// <summary>The stdout relay's <c>current</c> file, or the stderr relay's in err/.</summary>
    public string LogFilePath(string clone, string component, bool isError = false) =>
        ComponentLog.CurrentPath(ComponentLogsDir(clone, component), isError);

    public async Task ForgetAsync(string clone, CancellationToken cancellationToken)
    {
        foreach (var entry in _components.Values.Where(e => e.Clone == clone).ToList())
        {
            await GateAsync(entry, isStop: true, cancellationToken);
            try
            {
                entry.CancelPendingRestart();
                if (entry.Run is { } run)
                {
                    await StopRunAsync(entry, run,
                        entry.Spec?.StopTimeout ?? TimeSpan.FromSeconds(10));
                }

                _components.TryRemove(new((clone, entry.Component), entry));
                await entry.Log.DisposeAsync();
            }
            finally
            {
                entry.Gate.Release();
            }
        }

        await _store.DeleteAsync(clone, cancellationToken);
        var logs = CloneLogsDir(clone);
        if (Directory.Exists(logs))
        {
            Directory.Delete(logs, recursive: true);
        }

        _logger.LogInformation("Forgot the components and logs of {Clone}", clone);
    }

    /// <summary>
    /// The clones' folder, whose disk the monitor reports with the host's totals.
    /// </summary>
    internal string ClonesRoot => _options.ClonesRoot;

    /// <summary>
    /// The process group of each component that runs now, for the resource monitor. The group
    /// id is the leader's pid; the start ticks tell that leader apart from a later process.
    /// </summary>
    public IReadOnlyList<RunningGroup> RunningGroups() =>
        _components.Values
            .Select(e => (e, Run: e.Run))
            .Where(x => x.Run is { StartTicks: not null })
            .Select(x => new RunningGroup(
                x.e.Clone, x.e.Component, x.Run!.Pid, x.Run.StartTicks!.Value))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        if (_options.StopComponentsOnShutdown)
        {
            await Task.WhenAll(_components.Values.Select(StopForShutdownAsync));
        }

        await _shutdown.CancelAsync();
        foreach (var entry in _components.Values)
        {
            entry.CancelPendingRestart();
            await entry.Log.DisposeAsync();
        }

        _shutdown.Dispose();
    }

    private async Task StopForShutdownAsync(SupervisedComponent entry)
    {
        await GateAsync(entry, isStop: true);
        try
        {
            entry.CancelPendingRestart();
            if (entry.Run is { } run)
            {
                await StopRunAsync(entry, run, entry.Spec?.StopTimeout ?? TimeSpan.FromSeconds(10),
                    wantedRunning: true);
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>
    /// Runs a command on the component with its gate held, after noting the clone and spec it
    /// was given, which a later restart after backoff uses. A stop says it is coming first, so
    /// a start of the component that waits for its launch turn gives way.
    /// </summary>
    private async Task<ComponentRecord> UnderGateAsync(
        Clone clone,
        ComponentSpec spec,
        CancellationToken cancellationToken,
        bool isStop,
        Func<SupervisedComponent, Task<ComponentRecord>> command)
    {
        var entry = Entry(clone.Name, spec.Name);
        await GateAsync(entry, isStop, cancellationToken);
        try
        {
            entry.Spec = spec;
            entry.LastClone = clone;
            return await command(entry);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Takes the component's gate; for a stop, after saying that it is coming.</summary>
    private async Task GateAsync(
        SupervisedComponent entry, bool isStop, CancellationToken cancellationToken = default)
    {
        if (!isStop)
        {
            await entry.Gate.WaitAsync(cancellationToken);
            return;
        }

        StopComing(entry);
        try
        {
            await entry.Gate.WaitAsync(cancellationToken);
        }
        finally
        {
            StopArrived(entry);
        }
    }

    private SupervisedComponent Entry(string clone, string component) =>
        _components.GetOrAdd((clone, component), key => new SupervisedComponent(
            key.Clone,
            key.Component,
            new ComponentLog(
                key.Clone,
                key.Component,
                ComponentLogsDir(key.Clone, key.Component),
                _options.LogRingLines,
                _feed,
                _time,
                _logger)));

    private async Task<ComponentRecord> LaunchAsync(
        SupervisedComponent entry, Clone clone, ComponentSpec spec, int restarts)
    {
        var (failure, why) = await TryLaunchAsync(entry, clone, spec, restarts);
        if (failure is null)
        {
            return entry.Record;
        }

        if (why == Unlaunched.StopCameFirst)
        {
            _logger.LogInformation(
                "Gave up starting {Clone}/{Component}: a stop came while it waited for its turn",
                clone.Name, spec.Name);
            entry.Log.Note("start given up: a stop came while it waited for other starts");
            return entry.Record;
        }

        if (why != Unlaunched.Refused)
        {
            _logger.LogError("Could not start {Clone}/{Component}: {Reason}",
                clone.Name, spec.Name, failure);
        }

        await ReleaseLogAsync(entry);
        entry.Log.Note("could not start: " + failure);
        return await SaveAsync(entry, entry.Record with
        {
            State = ComponentState.Fatal,
            WantedRunning = true,
            Pid = null,
            ProcessStartTicks = null,
            CommandLine = null,
            ExitCode = null,
            Restarts = restarts,
            Message = failure,
        });
    }

    /// <summary>
    /// Starts a run; returns why it could not, as a sentence for the operator, and which kind
    /// of reason that is.
    /// </summary>
    private async Task<(string? Failure, Unlaunched Why)> TryLaunchAsync(
        SupervisedComponent entry, Clone clone, ComponentSpec spec, int restarts)
    {
        if (!Directory.Exists(clone.Folder))
        {
            return ($"the clone folder {clone.Folder} does not exist; "
                + "delete the clone and create it again", Unlaunched.Failed);
        }

        Dictionary<string, string> environment;
        try
        {
            environment = await EnvironmentOfAsync(clone, spec);
        }
        catch (IOException ex) when (OpenFiles.IsExhausted(ex))
        {
            return (OpenFiles.Exhausted(ex, spec.Name), Unlaunched.Failed);
        }
        catch (Exception ex)
            when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return ($"the .env of {clone.Name} could not be read ({ex.GetType().Name}); "
                + $"check the file in {clone.Folder}", Unlaunched.Failed);
        }

        var command = CommandPath.Resolve(
            spec.Command, environment.GetValueOrDefault("PATH"), clone.Folder);
        if (command is null)
        {
            return ($"the command '{spec.Command}' of component {spec.Name} was not found on "
                + "PATH or is not executable; install it or fix the command in the blueprint",
                Unlaunched.Failed);
        }

        var svlogd = LogRelay.Find();
        if (svlogd is null)
        {
            return ("runit's svlogd, the log relay of every component, was not found on PATH; "
                + $"install the Debian package {LogRelay.Package}", Unlaunched.Failed);
        }

        var opened = await OpenRunAsync(entry, clone, spec, command, svlogd, environment);
        if (opened.Failure is { } failure)
        {
            await RelaysEndedAsync(opened.Relays);
            return (failure, opened.Why);
        }

        return (await WatchRunAsync(entry, clone, spec, command, restarts, opened),
            Unlaunched.Failed);
    }

    /// <summary>
    /// The launch turn's part of a start: the open-file check, then the tails, pipes, relays,
    /// spawn and pidfds. The tails start at the files' ends before anything new is written;
    /// what is there already fills the ring once, as history.
    /// </summary>
    private async Task<OpenedRun> OpenRunAsync(
        SupervisedComponent entry,
        Clone clone,
        ComponentSpec spec,
        string command,
        string svlogd,
        Dictionary<string, string> environment)
    {
        using var turn = await LaunchTurnAsync(entry);
        if (turn is null)
        {
            return OpenedRun.None("a stop came first", Unlaunched.StopCameFirst);
        }

        if (RefuseForOpenFiles(clone, spec) is { } refusal)
        {
            return OpenedRun.None(refusal, Unlaunched.Refused);
        }

        if (FollowLog(entry, spec) is { } unfollowed)
        {
            return OpenedRun.None(unfollowed, Unlaunched.Failed);
        }

        var started = _time.GetUtcNow();
        var (pid, relays, failure) = Spawn(entry, clone, spec, command, svlogd, environment);
        if (failure is not null)
        {
            return new OpenedRun(0, relays, Task.FromResult<int?>(null), started, failure,
                Unlaunched.Failed);
        }

        return new OpenedRun(pid, relays, ChildReaper.Watch(pid), started, null,
            Unlaunched.Failed);
    }

    /// <summary>
    /// Takes a spawned run under watch once its exec is through; why it could not be, else
    /// null.
    /// </summary>
    private async Task<string?> WatchRunAsync(
        SupervisedComponent entry,
        Clone clone,
        ComponentSpec spec,
        string command,
        int restarts,
        OpenedRun opened)
    {
        var (pid, relays, exit, started) = (opened.Pid, opened.Relays, opened.Exit, opened.At);
        var commandLine = await CommandLineAfterExecAsync(pid);
        var stat = ProcFs.Stat(pid);
        if (stat is not null && (stat.ProcessGroup != pid || stat.Session != pid))
        {
            // No group of its own to signal: the child itself, not reaped yet, is ours; its
            // relays then end at EOF unless a process it started holds their pipes.
            ProcFs.SignalProcess(pid, ProcFs.SigKill);
            await WaitAsync(exit, _reapWait);
            await RelaysEndedAsync(relays);
            return $"the process {pid} did not lead its own process group after posix_spawn; "
                + "this glibc may not support POSIX_SPAWN_SETSID (glibc 2.26 or later does)";
        }

        // The relays' watches from their spawn: watching a pid again once it was reaped could
        // follow another process that got the number since.
        var watches = relays
            .Select((relay, i) => new RelayWatch(i == 1, relay.Ended))
            .ToList();
        var run = new ComponentRun
        {
            Pid = pid,
            StartTicks = stat?.StartTicks,
            CommandLine = commandLine,
            StartedAt = started,
            Relays = Task.WhenAll(watches.Select(w => w.Ended)),
        };
        entry.Run = run;

        _logger.LogInformation("Started {Clone}/{Component} as {Pid}: {Command}",
            clone.Name, spec.Name, run.Pid, command);
        entry.Log.Note($"started as pid {run.Pid}: {command}");
        await SaveAsync(entry, entry.Record with
        {
            State = ComponentState.Starting,
            WantedRunning = true,
            Pid = run.Pid,
            ProcessStartTicks = run.StartTicks,
            CommandLine = run.CommandLine,
            StartedAt = started,
            ExitCode = null,
            Restarts = restarts,
            Message = null,
        });

        _ = WatchChildAsync(entry, run, exit);
        _ = PromoteAsync(entry, run, spec.StartSeconds);
        _ = WatchRelaysAsync(entry, run, watches);
        return null;
    }

    /// <summary>
    /// The command line once the exec is through. posix_spawn returns when the kernel lets go
    /// of the vfork'd child, a moment before the new program's arguments are in place, and
    /// /proc shows an empty command line meanwhile. Null when the process ended already.
    /// </summary>
    private async Task<string?> CommandLineAfterExecAsync(int pid)
    {
        var deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(2);
        while (true)
        {
            var commandLine = ProcFs.CommandLine(pid);
            if (ProcFs.Stat(pid) is null or { IsZombie: true })
            {
                return null;
            }

            if (!string.IsNullOrEmpty(commandLine) || _time.GetUtcNow() > deadline)
            {
                return commandLine;
            }

            await Task.Delay(2);
        }
    }

    /// <summary>
    /// Starts the two relays on fresh pipes, then the component with stdin from /dev/null and
    /// the pipes' write ends as stdout and stderr, and closes Cloner's copies of all four ends:
    /// only the component's group writes the pipes and only the relays read them.
    /// </summary>
    private (int Pid, List<SpawnedRelay> Relays, string? Failure) Spawn(
        SupervisedComponent entry,
        Clone clone,
        ComponentSpec spec,
        string command,
        string svlogd,
        Dictionary<string, string> environment)
    {
        var relays = new List<SpawnedRelay>();
        var ends = new List<int>();
        try
        {
            var output = PosixSpawn.Pipe();
            ends.AddRange([output.Read, output.Write]);
            var errors = PosixSpawn.Pipe();
            ends.AddRange([errors.Read, errors.Write]);
            foreach (var (isError, readEnd) in new[] { (false, output.Read), (true, errors.Read) })
            {
                var relay = LogRelay.Start(
                    svlogd, ComponentLog.StreamFolder(entry.Log.Folder, isError), readEnd);
                relays.Add(new SpawnedRelay(relay, ChildReaper.Watch(relay)));
            }

            var pid = PosixSpawn.Spawn(command, [command, .. spec.Args], environment,
                clone.Folder, stdin: -1, stdout: output.Write, stderr: errors.Write);
            return (pid, relays, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The relays end by themselves at EOF once the pipe ends are closed below.
            return (0, relays, OpenFiles.IsExhausted(ex)
                ? OpenFiles.Exhausted(ex, spec.Name)
                : $"starting '{spec.Command}' failed: {ex.Message}");
        }
        finally
        {
            foreach (var end in ends)
            {
                PosixSpawn.Close(end);
            }
        }
    }

    private async Task<Dictionary<string, string>> EnvironmentOfAsync(
        Clone clone, ComponentSpec spec)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var key = (string)variable.Key;
            if (!IsClonersOwn(key))
            {
                environment[key] = (string?)variable.Value ?? "";
            }
        }

        var fromEnvFile = await _folders.ReadEnvAsync(clone.Name, CancellationToken.None);
        foreach (var (key, value) in fromEnvFile)
        {
            environment[key] = value;
        }

        environment["CLONER_CLONE"] = clone.Name;
        environment["CLONER_COMPONENT"] = spec.Name;
        environment[DataDirVariable] = _options.DataDir;
        return environment;
    }

    /// <summary>
    /// Cloner's settings and connection strings hold secrets; no component gets them.
    /// </summary>
    private static bool IsClonersOwn(string key) =>
        key.StartsWith("Cloner__", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("CLONER_", StringComparison.Ordinal);

    private async Task WatchChildAsync(
        SupervisedComponent entry, ComponentRun run, Task<int?> exit)
    {
        int? exitCode;
        try
        {
            exitCode = await exit.WaitAsync(_shutdown.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await EndRunAsync(entry, run, exitCode);
    }

    /// <summary>
    /// Watches a re-adopted run through a <see cref="PidWatch"/>, or by polling /proc without
    /// pidfds. It is not our child, so its exit code cannot be known and it ends with none.
    /// </summary>
    private async Task WatchAdoptedAsync(SupervisedComponent entry, ComponentRun run)
    {
        bool IsSame() =>
            IsSameProcess(run.Pid, run.StartTicks, commandLine: null, allowZombie: false);

        try
        {
            var exited = PidWatch.WhenExited(run.Pid, IsSame, _shutdown.Token);
            if (exited is not null)
            {
                await exited;
            }

            while (exited is null && IsSame())
            {
                await Task.Delay(_adoptedPoll, _time, _shutdown.Token);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await EndRunAsync(entry, run, exitCode: null);
    }

    private async Task EndRunAsync(SupervisedComponent entry, ComponentRun run, int? exitCode)
    {
        if (!run.StopRequested && SignalGroup(run, ProcFs.SigKill))
        {
            _logger.LogWarning(
                "{Clone}/{Component} ({Pid}) exited and left processes in its group; killed them",
                entry.Clone, entry.Component, run.Pid);
        }

        await DrainAsync(entry, run);
        run.Exit.TrySetResult(exitCode);
        if (!run.StopRequested)
        {
            await OnUnexpectedExitAsync(entry, run, exitCode);
        }
    }

    private async Task PromoteAsync(
        SupervisedComponent entry, ComponentRun run, TimeSpan startSeconds)
    {
        try
        {
            await Task.WhenAny(run.Exit.Task, Task.Delay(startSeconds, _time, _shutdown.Token));
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (run.Exit.Task.IsCompleted || _shutdown.IsCancellationRequested)
        {
            return;
        }

        await entry.Gate.WaitAsync();
        try
        {
            if (entry.Run == run && !run.StopRequested && !run.Exit.Task.IsCompleted
                && entry.Record.State == ComponentState.Starting)
            {
                // A command that is a wrapper script (a pyenv shim, say) execs the real program
                // after the spawn did; record the command line it settled on, which is what a
                // later Cloner compares against before it re-adopts the process.
                run.CommandLine = ProcFs.CommandLine(run.Pid) ?? run.CommandLine;
                await SaveAsync(entry, entry.Record with
                {
                    State = ComponentState.Running,
                    CommandLine = run.CommandLine,
                });
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task OnUnexpectedExitAsync(
        SupervisedComponent entry, ComponentRun run, int? exitCode)
    {
        await entry.Gate.WaitAsync();
        try
        {
            if (entry.Run != run || run.StopRequested)
            {
                return;
            }

            entry.Run = null;
            await ReleaseLogAsync(entry);
            var uptime = _time.GetUtcNow() - run.StartedAt;
            var code = exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ?? "unknown";
            _logger.LogWarning(
                "{Clone}/{Component} ({Pid}) exited with code {ExitCode} after {Uptime}",
                entry.Clone, entry.Component, run.Pid, code, uptime);
            entry.Log.Note(
                $"pid {run.Pid} exited with code {code} after {uptime.TotalSeconds:0.0} s");

            var ended = entry.Record with
            {
                Pid = null,
                ProcessStartTicks = null,
                CommandLine = null,
                ExitCode = exitCode,
            };
            var policy = entry.Spec?.Restart ?? RestartPolicy.Never;
            if (!RestartBackoff.ShouldRestart(policy, exitCode ?? -1) || entry.LastClone is null)
            {
                await SaveAsync(entry, ended with
                {
                    State = ComponentState.Exited,
                    WantedRunning = false,
                    Message = $"exited with code {code}",
                });
                return;
            }

            entry.Failures = RestartBackoff.FailuresAfter(entry.Failures, uptime);
            if (RestartBackoff.IsFatal(entry.Failures))
            {
                _logger.LogError(
                    "{Clone}/{Component} failed {Failures} times in a row; not restarting it",
                    entry.Clone, entry.Component, entry.Failures);
                await SaveAsync(entry, ended with
                {
                    State = ComponentState.Fatal,
                    Message = $"exited {entry.Failures} times in a row within "
                        + $"{RestartBackoff.ResetAfter.TotalSeconds:0} s (last exit code {code}); "
                        + "read its log, fix the cause and start it again",
                });
                return;
            }

            var delay = RestartBackoff.DelayBefore(entry.Failures);
            await SaveAsync(entry, ended with
            {
                State = ComponentState.Backoff,
                Message = $"exited with code {code}; restarting in {delay.TotalSeconds:0.##} s",
            });
            ScheduleRestart(entry, delay);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private void ScheduleRestart(SupervisedComponent entry, TimeSpan delay)
    {
        var pending = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        entry.PendingRestart = pending;
        _ = RestartLaterAsync(entry, pending, delay);
    }

    private async Task RestartLaterAsync(
        SupervisedComponent entry, CancellationTokenSource pending, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, pending.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        await entry.Gate.WaitAsync();
        try
        {
            if (entry.PendingRestart != pending || entry.Run is not null
                || entry.Spec is null || entry.LastClone is null)
            {
                return;
            }

            entry.CancelPendingRestart();
            await LaunchAsync(entry, entry.LastClone, entry.Spec, entry.Record.Restarts + 1);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>
    /// SIGTERM to the group, SIGKILL after the timeout, then waits until no process of the
    /// group is left and the leader is reaped. Runs with the component's gate held.
    /// </summary>
    private async Task<ComponentRecord> StopRunAsync(
        SupervisedComponent entry, ComponentRun run, TimeSpan timeout, bool wantedRunning = false)
    {
        run.StopRequested = true;
        await SaveAsync(entry, entry.Record with
        {
            State = ComponentState.Stopping,
            WantedRunning = wantedRunning,
            Message = null,
        });

        entry.Log.Note($"stopping pid {run.Pid}: SIGTERM to its process group");
        SignalGroup(run, ProcFs.SigTerm);
        var clean = await WaitForGroupAsync(run, timeout, includeZombies: false);
        if (!clean)
        {
            _logger.LogWarning(
                "{Clone}/{Component} ({Pid}) outlived SIGTERM by {Timeout}; "
                + "sending SIGKILL to its group",
                entry.Clone, entry.Component, run.Pid, timeout);
            entry.Log.Note(
                $"still running after {timeout.TotalSeconds:0.#} s: SIGKILL to its process group");
            SignalGroup(run, ProcFs.SigKill);
        }

        if (!await WaitForGroupAsync(run, _reapWait, includeZombies: true))
        {
            _logger.LogError("Processes of {Clone}/{Component} ({Pid}) are left after SIGKILL",
                entry.Clone, entry.Component, run.Pid);
        }

        await WaitAsync(run.Exit.Task, _reapWait);
        await DrainAsync(entry, run);
        var exitCode = run.Exit.Task.IsCompleted ? run.Exit.Task.Result : null;
        entry.Run = null;
        await ReleaseLogAsync(entry);

        _logger.LogInformation("Stopped {Clone}/{Component} ({Pid}), exit code {ExitCode}",
            entry.Clone, entry.Component, run.Pid, exitCode);
        entry.Log.Note($"stopped pid {run.Pid}");
        return await SaveAsync(entry, entry.Record with
        {
            State = ComponentState.Stopped,
            WantedRunning = wantedRunning,
            Pid = null,
            ProcessStartTicks = null,
            CommandLine = null,
            ExitCode = exitCode,
            Message = clean
                ? null
                : $"killed after it outlived SIGTERM by {timeout.TotalSeconds:0.#} s",
        });
    }

    /// <summary>True once no process of the run's group is left; false at the timeout.</summary>
    private async Task<bool> WaitForGroupAsync(
        ComponentRun run, TimeSpan timeout, bool includeZombies)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (includeZombies
            ? ProcFs.GroupHasMembers(run.Pid)
            : ProcFs.GroupHasLiveMembers(run.Pid))
        {
            if (_time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(_groupPoll);
        }

        return true;
    }

    /// <summary>
    /// Signals the run's process group, but only when the group is still that run's: its
    /// leader has the recorded start ticks, or (the leader is gone) a process of the group is
    /// in the leader's session and started after it. While any process holds a group id the
    /// kernel does not hand that number to a new process.
    /// </summary>
    private bool SignalGroup(ComponentRun run, int signal)
    {
        if (run.StartTicks is not { } ticks)
        {
            return false;
        }

        var leader = ProcFs.Stat(run.Pid);
        var ours = leader is not null
            ? leader.StartTicks == ticks && leader.ProcessGroup == run.Pid
            : ProcFs.All().Any(s =>
                s.ProcessGroup == run.Pid && s.Session == run.Pid && s.StartTicks >= ticks);
        if (!ours)
        {
            return false;
        }

        try
        {
            return ProcFs.SignalGroup(run.Pid, signal);
        }
        catch (IOException ex)
        {
            _logger.LogError(ex, "Could not signal process group {Pid}", run.Pid);
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="pid"/> is still the process that was recorded: the same start
    /// time, and the same command line or, for one that exec'd another program since it was
    /// recorded, this Cloner's markers for <paramref name="owner"/> in its environment.
    /// </summary>
    private bool IsSameProcess(
        int pid,
        long? startTicks,
        string? commandLine,
        bool allowZombie,
        (string Clone, string Component)? owner = null)
    {
        var stat = ProcFs.Stat(pid);
        if (stat is null || startTicks is null || stat.StartTicks != startTicks
            || (stat.IsZombie && !allowZombie))
        {
            return false;
        }

        if (commandLine is null || ProcFs.CommandLine(pid) == commandLine)
        {
            return true;
        }

        return owner is { } o
            && ProcFs.EnvironmentValue(pid, "CLONER_CLONE") == o.Clone
            && ProcFs.EnvironmentValue(pid, "CLONER_COMPONENT") == o.Component
            && ProcFs.EnvironmentValue(pid, DataDirVariable) == _options.DataDir;
    }

    private async Task<ComponentRecord> SaveAsync(
        SupervisedComponent entry, ComponentRecord record)
    {
        record = record with { UpdatedAt = _time.GetUtcNow() };
        entry.Record = record;
        try
        {
            await _store.UpsertAsync(record, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The process state is real whatever the store says; the next change writes again.
            _logger.LogError(ex,
                "Could not write the state {State} of {Clone}/{Component} to the store",
                record.State, record.CloneName, record.Component);
        }

        _feed.Publish(new ComponentChanged(record));
        _logger.LogDebug("{Clone}/{Component} is {State}",
            record.CloneName, record.Component, record.State);
        return record;
    }

    /// <summary>
    /// Waits for the run's relays to end (at EOF, once its group is gone) and for the tails to
    /// read what they wrote, so the run's last lines come before the note of its end.
    /// </summary>
    private static async Task DrainAsync(SupervisedComponent entry, ComponentRun run)
    {
        await WaitAsync(run.Relays, _outputWait);
        await entry.Log.CatchUpAsync(_outputWait);
    }

    private static async Task WaitAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string CloneLogsDir(string clone) =>
        Path.Combine(_options.LogsDir, FileName(clone, "clone"));

    private string ComponentLogsDir(string clone, string component) =>
        Path.Combine(CloneLogsDir(clone), FileName(component, "component"));

    /// <summary>
    /// A clone or component name as a file name; refuses anything that could leave the folder.
    /// </summary>
    private static string FileName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".."
            || name.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new ArgumentException(
                $"'{name}' is not a valid {what} name for a log folder", what);
        }

        return name;
    }
}

/// <summary>The process group of one running component.</summary>
public sealed record RunningGroup(
    string CloneName,
    string Component,
    int ProcessGroup,
    long LeaderStartTicks);

/// <summary>A log relay just spawned, and the watch of its exit taken right then.</summary>
internal sealed record SpawnedRelay(int Pid, Task<int?> Ended);

/// <summary>
/// What a launch turn opened: the spawned component (and when), its relays and the watch of its
/// exit; or why it did not, and which kind of reason that is.
/// </summary>
internal sealed record OpenedRun(
    int Pid,
    List<SpawnedRelay> Relays,
    Task<int?> Exit,
    DateTimeOffset At,
    string? Failure,
    Unlaunched Why)
{
    public static OpenedRun None(string failure, Unlaunched why) =>
        new(0, [], Task.FromResult<int?>(null), default, failure, why);
}

/// <summary>Why a start did not launch its component.</summary>
internal enum Unlaunched
{
    /// <summary>It failed, for the reason given.</summary>
    Failed,

    /// <summary>The open-file budget refused it; the refusal is logged already.</summary>
    Refused,

    /// <summary>A stop of the component came while it waited for its launch turn.</summary>
    StopCameFirst,
}
