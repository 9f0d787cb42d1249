using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Reads processes from <c>/proc</c> and signals process groups through libc. Every read
/// tolerates a process that vanishes between listing and reading it.
/// </summary>
public static class ProcFs
{
    public const int SigKill = 9;

    public const int SigTerm = 15;

    private const int ClockTicksName = 2; // _SC_CLK_TCK on Linux

    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Clock ticks per second of the utime, stime and starttime fields.</summary>
    public static long ClockTicksPerSecond { get; } = ReadClockTicks();

    public static ProcStat? Stat(int pid)
    {
        try
        {
            return ProcStat.Parse(File.ReadAllText(Path.Combine("/proc", Num(pid), "stat")));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The command line with its NUL-separated arguments joined by spaces, or null.
    /// </summary>
    public static string? CommandLine(int pid)
    {
        var bytes = ReadBytes(pid, "cmdline");
        if (bytes is null)
        {
            return null;
        }

        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Replace('\0', ' ');
    }

    /// <summary>The value of one variable in the process's environment, or null.</summary>
    public static string? EnvironmentValue(int pid, string name)
    {
        var bytes = ReadBytes(pid, "environ");
        if (bytes is null)
        {
            return null;
        }

        var prefix = name + "=";
        foreach (var entry in Encoding.UTF8.GetString(bytes).Split('\0'))
        {
            if (entry.StartsWith(prefix, StringComparison.Ordinal))
            {
                return entry[prefix.Length..];
            }
        }

        return null;
    }

    /// <summary>Every process now listed in /proc, read once.</summary>
    public static IReadOnlyList<ProcStat> All()
    {
        var result = new List<ProcStat>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), CultureInfo.InvariantCulture, out var pid)
                && Stat(pid) is { } stat)
            {
                result.Add(stat);
            }
        }

        return result;
    }

    /// <summary>Whether any live (not zombie) process is left in the process group.</summary>
    public static bool GroupHasLiveMembers(int processGroup) =>
        All().Any(s => s.ProcessGroup == processGroup && !s.IsZombie);

    /// <summary>
    /// Whether any process at all, zombies included, is left in the process group.
    /// </summary>
    public static bool GroupHasMembers(int processGroup) =>
        All().Any(s => s.ProcessGroup == processGroup);

    /// <summary>
    /// Signals the whole process group. Callers check first that the group's leader is still
    /// the process they started (its start ticks), since a bare number proves nothing.
    /// </summary>
    public static bool SignalGroup(int processGroup, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(processGroup, 1);
        if (kill(-processGroup, signal) == 0)
        {
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        return error == NoSuchProcess
            ? false
            : throw new IOException(
                $"kill(-{processGroup}, {signal}) failed with errno {error}");
    }

    private static byte[]? ReadBytes(int pid, string file)
    {
        try
        {
            return File.ReadAllBytes(Path.Combine("/proc", Num(pid), file));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Num(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private static long ReadClockTicks()
    {
        try
        {
            var ticks = sysconf(ClockTicksName);
            return ticks > 0 ? ticks : 100;
        }
        catch (EntryPointNotFoundException)
        {
            return 100;
        }
        catch (DllNotFoundException)
        {
            return 100;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc", SetLastError = true)]
    private static extern long sysconf(int name);
}
