using System.Runtime.InteropServices;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Processes;
using Cloner.Infrastructure.Provisioning;
using Microsoft.Extensions.Logging;

namespace Cloner.Benchmarks;

/// <summary>
/// The real supervisor and monitor over clone folders in a work folder, and the clones the
/// benchmark starts. Disposing stops every component it started and then kills, by process
/// group, anything of this work folder that is still alive.
/// </summary>
internal sealed class Fleet : IAsyncDisposable
{
    private readonly List<(Clone Clone, ComponentSpec Spec)> _started = [];
    private readonly Lock _gate = new();
    private readonly ILoggerFactory _loggers;
    private int _starts;
    private int _startRaces;
    private ResourceMonitor? _monitor;

    public Fleet(string workDir, ILoggerFactory loggers)
    {
        WorkDir = workDir;
        Options = new ClonerOptions
        {
            DataDir = Path.Combine(workDir, "data"),
            ClonesRoot = Path.Combine(workDir, "bots"),
            BlueprintsDir = Path.Combine(workDir, "blueprints"),
            StopComponentsOnShutdown = true,
        };
        Directory.CreateDirectory(Options.ClonesRoot);
        Folders = new CloneFolders(Options);
        Supervisor = new ProcessSupervisor(
            Options,
            new MemoryComponentStore(),
            Folders,
            Feed,
            TimeProvider.System,
            loggers.CreateLogger<ProcessSupervisor>());
        _loggers = loggers;
    }

    public string WorkDir { get; }

    public ClonerOptions Options { get; }

    public CloneFolders Folders { get; }

    public CloneFeed Feed { get; } = new();

    public ProcessSupervisor Supervisor { get; }

    /// <summary>
    /// Starts a resource monitor on the fleet's feed, stopping the one before; it samples
    /// every second while the feed has a subscriber.
    /// </summary>
    public async Task<ResourceMonitor> StartMonitorAsync(CancellationToken cancel)
    {
        await StopMonitorAsync();
        _monitor = new ResourceMonitor(
            Supervisor, Feed, TimeProvider.System, _loggers.CreateLogger<ResourceMonitor>());
        await _monitor.StartAsync(cancel);
        return _monitor;
    }

    public async Task StopMonitorAsync()
    {
        if (_monitor is { } monitor)
        {
            _monitor = null;
            await monitor.StopAsync(CancellationToken.None);
            monitor.Dispose();
        }
    }

    public IReadOnlyList<(Clone Clone, ComponentSpec Spec)> Started
    {
        get
        {
            lock (_gate)
            {
                return _started.ToList();
            }
        }
    }

    public Clone NewClone(string name, int number)
    {
        var folder = Folders.PathOf(name);
        Directory.CreateDirectory(folder);
        return new Clone
        {
            Name = name,
            Blueprint = "bench",
            Number = number,
            Status = CloneStatus.Ready,
            Folder = folder,
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    public async Task StartAsync(Clone clone, ComponentSpec spec, CancellationToken cancel)
    {
        lock (_gate)
        {
            _started.Add((clone, spec));
        }

        Interlocked.Increment(ref _starts);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Supervisor.StartAsync(clone, spec, cancel);
                return;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                // ProcessSupervisor.AfterExecAsync takes a stat read before setsid() ran for
                // the state after it: it reads stat before cmdline, and takes the empty
                // cmdline of a process in the middle of exec for "exec'd". The process then
                // seems to lack a group of its own; it is killed, and reading the Id of the
                // disposed Process throws. Nothing is left running or recorded, so starting
                // again is safe.
                Interlocked.Increment(ref _startRaces);
            }
        }
    }

    /// <summary>Components the benchmark started by hand.</summary>
    public int Starts => Volatile.Read(ref _starts);

    /// <summary>Starts that hit the setsid race in the supervisor and were tried again.</summary>
    public int StartRaces => Volatile.Read(ref _startRaces);

    public async Task StopAsync(Clone clone, ComponentSpec spec)
    {
        await Supervisor.StopAsync(clone, spec, CancellationToken.None);
        lock (_gate)
        {
            _started.Remove((clone, spec));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopMonitorAsync();
        await Parallel.ForEachAsync(
            Started,
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (started, _) => await StopAsync(started.Clone, started.Spec));
        await Supervisor.DisposeAsync();
        KillLeftovers();
    }

    /// <summary>
    /// Kills the process group of every process whose environment names this work folder,
    /// for what a failed stop left behind. Each is checked by its environment, not its pid.
    /// </summary>
    public int KillLeftovers()
    {
        var killed = 0;
        foreach (var stat in ProcFs.All())
        {
            if (stat.Pid != Environment.ProcessId
                && stat.ProcessGroup == stat.Pid
                && ProcFs.EnvironmentValue(stat.Pid, ProcessSupervisor.DataDirVariable)
                    == Options.DataDir
                && ProcFs.SignalGroup(stat.Pid, ProcFs.SigKill))
            {
                killed++;
            }
        }

        return killed;
    }

    /// <summary>SIGKILL to one process, the way something outside Cloner would.</summary>
    public static void Kill(int pid)
    {
        if (kill(pid, ProcFs.SigKill) != 0)
        {
            throw new IOException(
                $"kill({pid}, SIGKILL) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
