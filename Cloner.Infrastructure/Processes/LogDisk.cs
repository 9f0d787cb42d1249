using System.Collections.Concurrent;
using System.Globalization;

namespace Cloner.Infrastructure.Processes;

/// <summary>What the resource monitor last judged of the filesystem that holds the logs.</summary>
public sealed record LogDiskState(string LogsDir, long? FreeBytes, bool IsFull)
{
    /// <summary>What a running component carries while the disk is full, else null.</summary>
    public string? Message => IsFull ? LogDisk.Message(LogsDir, FreeBytes ?? 0) : null;

    /// <summary>What the host sample and the dashboard say while the disk is full.</summary>
    public string? HostMessage => IsFull ? LogDisk.HostMessage(LogsDir, FreeBytes ?? 0) : null;
}

/// <summary>
/// Whether the filesystem under the logs folder has room for the log relays. When it has not,
/// svlogd says "pausing: unable to write" (to /dev/null here) and retries every few seconds
/// without reading its pipe, so a component blocks on its next write once the pipe's 64 KiB
/// are full. Nothing else tells the operator, so the monitor judges the free space here.
/// </summary>
public static class LogDisk
{

    /// <summary>
    /// Below two relay buffers the disk is full. svlogd pauses only once a write fails, at
    /// next to nothing free; but each component has two relays that write up to a buffer at
    /// once, so below two buffers one burst of one component takes the rest before the monitor,
    /// a round behind, could see it. A larger figure (1 MiB, say) would say "the relays have
    /// paused" while quiet relays still write happily for hours, and the message would lie.
    /// </summary>
    public const long FullBelowBytes = 2 * LogRelay.BufferBytes;

    /// <summary>errno ENOSPC, which .NET keeps as the IOException's HResult on Linux.</summary>
    private const int NoSpaceErrno = 28;

    /// <summary>Win32 ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL as HResults.</summary>
    private static readonly int[] _noSpaceHResults =
        [NoSpaceErrno, unchecked((int)0x80070070), unchecked((int)0x80070027)];

    private const string MessageStart = "the logs disk (";

    /// <summary>Folders whose writes failed with ENOSPC since the monitor last looked.</summary>
    private static readonly ConcurrentDictionary<string, byte> _noSpaceSeen = new();

    public static bool IsNoSpace(Exception ex) =>
        ex is IOException && _noSpaceHResults.Contains(ex.HResult);

    /// <summary>Cloner's own write under <paramref name="path"/> failed with ENOSPC.</summary>
    public static void ReportNoSpace(string path) =>
        _noSpaceSeen[Path.GetFullPath(path)] = 0;

    /// <summary>
    /// Whether a write under <paramref name="logsDir"/> failed with ENOSPC since the last call,
    /// and forgets those reports.
    /// </summary>
    public static bool TakeNoSpace(string logsDir)
    {
        var root = Path.GetFullPath(logsDir).TrimEnd('/') + "/";
        var seen = false;
        foreach (var path in _noSpaceSeen.Keys)
        {
            if ((path + "/").StartsWith(root, StringComparison.Ordinal)
                && _noSpaceSeen.TryRemove(path, out _))
            {
                seen = true;
            }
        }

        return seen;
    }

    /// <summary>
    /// The bytes svlogd can write there: what is free to anyone for root (root may use the
    /// blocks ext4 reserves), what is free to others for anyone else. Null when the folder
    /// cannot be measured.
    /// </summary>
    public static long? FreeBytes(string logsDir)
    {
        try
        {
            var drive = new DriveInfo(logsDir);
            return Environment.IsPrivilegedProcess
                ? drive.TotalFreeSpace
                : drive.AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException
            or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Judges a measurement: full below the threshold or after an ENOSPC.</summary>
    public static LogDiskState Judge(string logsDir, long? freeBytes, bool sawNoSpace)
    {
        return new LogDiskState(logsDir, freeBytes, sawNoSpace || freeBytes is < FullBelowBytes);
    }

    /// <summary>
    /// Kills the log relays whose folder under <paramref name="logsDir"/> is gone (their clone
    /// was deleted): a relay paused on a full disk keeps its deleted <c>current</c> open, so
    /// the space of the deleted logs only comes back once it ends, and it would retry forever.
    /// What it still holds was written for a file that no longer exists. A relay is known by
    /// its whole command line (as <see cref="LogRelay.Start"/> builds it) and its own process
    /// group, checked again just before the signal. Answers the pids it killed.
    /// </summary>
    public static IReadOnlyList<int> EndOrphanRelays(string logsDir)
    {
        var root = Path.GetFullPath(logsDir).TrimEnd('/') + "/";
        var killed = new List<int>();
        foreach (var stat in ProcFs.All().Where(s => s.Comm == "svlogd" && !s.IsZombie))
        {
            if (OrphanFolder(stat.Pid, root) is null)
            {
                continue;
            }

            var again = ProcFs.Stat(stat.Pid);
            if (again is { } same && same.StartTicks == stat.StartTicks
                && same.ProcessGroup == stat.Pid && OrphanFolder(stat.Pid, root) is not null
                && ProcFs.SignalGroup(stat.Pid, ProcFs.SigKill))
            {
                killed.Add(stat.Pid);
            }
        }

        return killed;
    }

    /// <summary>The relay's folder when it lies under the root and is gone, else null.</summary>
    private static string? OrphanFolder(int pid, string root)
    {
        var prefix = $"svlogd -tt -b {LogRelay.BufferBytes} ";
        var commandLine = ProcFs.CommandLine(pid);
        if (commandLine is null || !commandLine.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var folder = commandLine[prefix.Length..];
        return folder.StartsWith(root, StringComparison.Ordinal) && !Directory.Exists(folder)
            ? folder
            : null;
    }

    public static string HostMessage(string logsDir, long freeBytes) =>
        $"{MessageStart}{logsDir}) is full ({Size(freeBytes)} free): the log relays have "
        + "paused, and components block once they write more; free space under "
        + $"{logsDir} (old logs, or a clone that floods its output)";

    public static string Message(string logsDir, long freeBytes) =>
        $"{MessageStart}{logsDir}) is full ({Size(freeBytes)} free): the log relays have "
        + "paused, and this component will block once it writes more; "
        + $"free space under {logsDir}";

    /// <summary>Whether a component's message is one this class wrote.</summary>
    public static bool IsLogDiskMessage(string? message) =>
        message is not null && message.StartsWith(MessageStart, StringComparison.Ordinal);

    private static string Size(long bytes) =>
        bytes < 1024 * 1024
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024} KiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB");
}
