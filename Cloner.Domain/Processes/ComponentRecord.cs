namespace Cloner.Domain.Processes;

/// <summary>
/// The recorded state of one component of one clone. The pid is only ever acted on together
/// with <see cref="ProcessStartTicks"/> and <see cref="CommandLine"/>, which tell a process
/// apart from a later one that got the same pid.
/// </summary>
public sealed record ComponentRecord
{
    public required string CloneName { get; init; }

    public required string Component { get; init; }

    public ComponentState State { get; init; } = ComponentState.Stopped;

    /// <summary>Whether the operator (or autostart) wants it running.</summary>
    public bool WantedRunning { get; init; }

    public int? Pid { get; init; }

    /// <summary>The process start time in clock ticks since boot (field 22 of /proc/pid/stat).</summary>
    public long? ProcessStartTicks { get; init; }

    /// <summary>The process command line, NUL-separated arguments joined with spaces.</summary>
    public string? CommandLine { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public int? ExitCode { get; init; }

    public int Restarts { get; init; }

    /// <summary>What the operator should know about the state: why it exited or failed to start.</summary>
    public string? Message { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What the process monitor last measured for a component's whole process tree.</summary>
public sealed record ResourceSample(
    double CpuPercent,
    long MemoryBytes,
    int Threads,
    int Processes,
    DateTimeOffset At);

/// <summary>One line a component wrote, as framed and time-stamped by the supervisor.</summary>
public sealed record LogLine(long Number, DateTimeOffset At, bool IsError, string Text);

/// <summary>
/// The whole server as the process monitor last saw it: CPU over all cores, memory, and the
/// disk that holds the clones' folders, and whether the logs disk has room.
/// </summary>
public sealed record HostSample(
    double CpuPercent,
    long MemoryTotalBytes,
    long MemoryAvailableBytes,
    long DiskTotalBytes,
    long DiskFreeBytes,
    DateTimeOffset At)
{
    /// <summary>
    /// Free bytes of the filesystem under the logs folder, as the log relays can use them;
    /// null when it was not measured.
    /// </summary>
    public long? LogsDiskFreeBytes { get; init; }

    /// <summary>Set while the logs disk is full: what that stops and what to do.</summary>
    public string? LogsDiskMessage { get; init; }
}
