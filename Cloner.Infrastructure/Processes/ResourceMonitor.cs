using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// One sampler for the whole server: reads /proc once per round, groups processes by process
/// group and sums each running component's CPU, memory, threads and processes. Rounds are
/// 1 s apart while someone watches the feed and 10 s apart otherwise. Each component keeps
/// <see cref="HistoryLength"/> of samples.
/// </summary>
public sealed class ResourceMonitor(
    ProcessSupervisor supervisor,
    CloneFeed feed,
    TimeProvider time,
    ILogger<ResourceMonitor> logger) : BackgroundService, IResourceMonitor
{
    public static TimeSpan HistoryLength { get; } = TimeSpan.FromMinutes(10);

    public static TimeSpan WatchedInterval { get; } = TimeSpan.FromSeconds(1);

    public static TimeSpan QuietInterval { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The most samples one component keeps: 10 minutes at one a second.</summary>
    public const int HistoryCapacity = 600;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Clone, string Component), Queue<ResourceSample>>
        _history = [];
    private readonly Dictionary<(string Clone, string Component), ResourceSample> _latest = [];
    private Dictionary<(int Pid, long StartTicks), long> _ticksBefore = [];
    private (long Busy, long Total)? _hostTicks;
    private DateTimeOffset? _before;
    private HostSample? _host;

    private readonly RepeatedFailures _failures = new();

    public ResourceSample? Latest(string clone, string component)
    {
        lock (_gate)
        {
            return _latest.GetValueOrDefault((clone, component));
        }
    }

    /// <summary>The component's samples of the last 10 minutes, oldest first.</summary>
    public IReadOnlyList<ResourceSample> History(string clone, string component)
    {
        lock (_gate)
        {
            return _history.TryGetValue((clone, component), out var samples)
                ? samples.ToArray()
                : [];
        }
    }

    /// <summary>
    /// The server's totals of the last round, with the logs disk as judged last, or null
    /// before the first round.
    /// </summary>
    public HostSample? Host
    {
        get => _host is { } host
            ? host with
            {
                LogsDiskFreeBytes = LogDisk?.FreeBytes,
                LogsDiskMessage = LogDisk?.HostMessage,
            }
            : null;
    }

    /// <summary>
    /// The logs disk as last judged (once a second, whoever watches), or null before that.
    /// </summary>
    public LogDiskState? LogDisk { get; internal set; }

    /// <summary>Takes one round of samples now and publishes them.</summary>
    public void SampleOnce()
    {
        var now = time.GetUtcNow();
        try
        {
            (_host, _hostTicks) = HostStats.Read(_hostTicks, supervisor.ClonesRoot, now);
            Succeeded(HostRead);
        }
        catch (IOException ex)
        {
            Failed(HostRead, ex);
        }

        var stats = ProcFs.All();
        var byGroup = stats.Where(s => !s.IsZombie).ToLookup(s => s.ProcessGroup);
        var elapsed = _before is { } before ? now - before : TimeSpan.Zero;
        var samples = new List<(RunningGroup Group, ResourceSample Sample)>();
        foreach (var group in supervisor.RunningGroups())
        {
            var members = byGroup[group.ProcessGroup].ToList();
            if (members.Count == 0)
            {
                continue;
            }

            var cpu = elapsed > TimeSpan.Zero
                ? CpuUsage.Percent(_ticksBefore, members, elapsed, ProcFs.ClockTicksPerSecond)
                : 0;
            samples.Add((group, new ResourceSample(
                Math.Round(cpu, 1),
                members.Sum(m => m.ResidentPages) * Environment.SystemPageSize,
                members.Sum(m => m.Threads),
                members.Count,
                now)));
        }

        _ticksBefore = stats.ToDictionary(s => (s.Pid, s.StartTicks), s => s.CpuTicks);
        _before = now;
        Keep(samples, now);
        foreach (var (group, sample) in samples)
        {
            feed.Publish(new SampleTaken(group.CloneName, group.Component, sample));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var interval = feed.SubscriberCount > 0 ? WatchedInterval : QuietInterval;
            try
            {
                await CheckLogDiskAsync();
                Succeeded(LogDiskJudge);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Failed(LogDiskJudge, ex);
            }

            if (time.GetUtcNow() - last >= interval)
            {
                last = time.GetUtcNow();
                try
                {
                    SampleOnce();
                    Succeeded(ProcessSampling);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Failed(ProcessSampling, ex);
                }
            }

            try
            {
                await Task.Delay(WatchedInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private const string HostRead = "read the host's CPU and memory from /proc";
    private const string LogDiskJudge = "judge the free space of the logs disk";
    private const string ProcessSampling = "sample the components' processes in /proc";

    /// <summary>Logs a failure when it starts or its reason changes, not every round.</summary>
    private void Failed(string what, Exception ex)
    {
        if (_failures.Failed(what, ex.Message))
        {
            logger.LogWarning(ex,
                "The resource monitor could not {What} (said once until it works again)", what);
        }
    }

    private void Succeeded(string what)
    {
        if (_failures.Succeeded(what))
        {
            logger.LogInformation("The resource monitor can {What} again", what);
        }
    }

    /// <summary>
    /// Measures the logs disk and puts its message on the running components, or takes it off
    /// them once there is room again (svlogd resumes by itself). Cheap: one statfs.
    /// </summary>
    public async Task CheckLogDiskAsync()
    {
        var logsDir = supervisor.LogsDir;
        var judged = Processes.LogDisk.Judge(logsDir, Processes.LogDisk.FreeBytes(logsDir),
            Processes.LogDisk.TakeNoSpace(logsDir));
        var before = LogDisk;
        LogDisk = judged;
        if (judged.IsFull && before is not { IsFull: true })
        {
            logger.LogError("The logs disk is full: {Message}", judged.HostMessage);
        }
        else if (!judged.IsFull && before is { IsFull: true })
        {
            logger.LogInformation(
                "The logs disk under {LogsDir} has room again ({FreeBytes} bytes free)",
                logsDir, judged.FreeBytes);
        }

        if (judged.IsFull)
        {
            foreach (var pid in Processes.LogDisk.EndOrphanRelays(logsDir))
            {
                logger.LogWarning(
                    "Killed the log relay {Pid} of a deleted log folder; it held the space of "
                    + "the deleted logs while it waited for room", pid);
            }
        }

        await supervisor.MarkLogDiskAsync(judged.Message);
    }

    private void Keep(
        List<(RunningGroup Group, ResourceSample Sample)> samples, DateTimeOffset now)
    {
        lock (_gate)
        {
            _latest.Clear();
            foreach (var (group, sample) in samples)
            {
                var key = (group.CloneName, group.Component);
                _latest[key] = sample;
                if (!_history.TryGetValue(key, out var queue))
                {
                    _history[key] = queue = new Queue<ResourceSample>();
                }

                queue.Enqueue(sample);
            }

            foreach (var (key, queue) in _history.ToList())
            {
                while (queue.Count > 0
                    && (queue.Count > HistoryCapacity || now - queue.Peek().At > HistoryLength))
                {
                    queue.Dequeue();
                }

                if (queue.Count == 0)
                {
                    _history.Remove(key);
                }
            }
        }
    }
}
