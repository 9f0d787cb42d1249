using System.Globalization;
using Cloner.Domain.Processes;

namespace Cloner.Infrastructure.Processes;

/// <summary>Reads the server's totals from /proc/stat, /proc/meminfo and the clones' disk.</summary>
public static class HostStats
{
    /// <summary>Busy and total clock ticks of all cores, from the first line of /proc/stat.</summary>
    public static (long Busy, long Total)? CpuTicks(string procStat)
    {
        var line = procStat.AsSpan();
        var end = line.IndexOf('\n');
        if (end >= 0)
        {
            line = line[..end];
        }

        if (!line.StartsWith("cpu "))
        {
            return null;
        }

        long total = 0, idle = 0;
        var index = 0;
        foreach (var range in line[4..].Split(' '))
        {
            var field = line[4..][range];
            if (field.IsEmpty)
            {
                continue;
            }

            if (!long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            // user nice system idle iowait irq softirq steal guest guest_nice: guest time is
            // already counted in user and nice, and idle and iowait are not busy.
            if (index < 8)
            {
                total += value;
                idle += index is 3 or 4 ? value : 0;
            }

            index++;
        }

        return index >= 4 ? (total - idle, total) : null;
    }

    /// <summary>CPU % of all cores between two readings of <see cref="CpuTicks"/>.</summary>
    public static double CpuPercent((long Busy, long Total) before, (long Busy, long Total) after)
    {
        var total = after.Total - before.Total;
        return total <= 0 ? 0 : Math.Clamp((after.Busy - before.Busy) * 100.0 / total, 0, 100);
    }

    /// <summary>MemTotal and MemAvailable of /proc/meminfo, in bytes.</summary>
    public static (long Total, long Available) Memory(string meminfo)
    {
        long total = 0, available = 0;
        foreach (var line in meminfo.Split('\n'))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = Kilobytes(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = Kilobytes(line);
            }
        }

        return (total, available);
    }

    /// <summary>Reads the totals now; the CPU figure needs the ticks of the round before.</summary>
    public static (HostSample Sample, (long Busy, long Total)? Ticks) Read(
        (long Busy, long Total)? before, string clonesRoot, DateTimeOffset now)
    {
        var ticks = CpuTicks(File.ReadAllText("/proc/stat"));
        var (memoryTotal, memoryAvailable) = Memory(File.ReadAllText("/proc/meminfo"));
        long diskTotal = 0, diskFree = 0;
        try
        {
            var drive = new DriveInfo(clonesRoot);
            (diskTotal, diskFree) = (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException
            or ArgumentException)
        {
            // A clones folder that is not there yet has no disk to speak of.
        }

        var cpu = before is { } b && ticks is { } t ? CpuPercent(b, t) : 0;
        return (new HostSample(Math.Round(cpu, 1), memoryTotal, memoryAvailable, diskTotal,
            diskFree, now), ticks);
    }

    private static long Kilobytes(string line)
    {
        var digits = new string(line.Where(char.IsAsciiDigit).ToArray());
        return long.TryParse(digits, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0;
    }
}
