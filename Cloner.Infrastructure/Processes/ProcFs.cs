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

    private const int Interrupted = 4; // EINTR

    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC on Linux

    /// <summary>Room for one stat line: 52 numbers and a comm of 64 bytes at most.</summary>
    private const int StatBytes = 2048;

    /// <summary>Clock ticks per second of the utime, stime and starttime fields.</summary>
    public static long ClockTicksPerSecond { get; } = ReadClockTicks();

    /// <summary>
    /// Reads <c>/proc/&lt;pid&gt;/stat</c> into a buffer on the stack, with one open, read and
    /// close and no stream: the resource monitor reads every process of the server each round.
    /// </summary>
    public static ProcStat? Stat(int pid)
    {
        var path = "/proc/" + Num(pid) + "/stat";
        Span<byte> buffer = stackalloc byte[StatBytes];
        var length = ReadInto(path, buffer);
        if (length == buffer.Length)
        {
            // Longer than any stat line seen; read it the slow way rather than cut it.
            return ReadBytes(pid, "stat") is { } bytes ? ProcStat.Parse(bytes) : null;
        }

        return length > 0 ? ProcStat.Parse(buffer[..length]) : null;
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

    /// <summary>
    /// Signals one process. Only for a child not reaped yet, whose pid cannot be anyone
    /// else's; false when it is gone.
    /// </summary>
    public static bool SignalProcess(int pid, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pid, 1);
        if (kill(pid, signal) == 0)
        {
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        return error == NoSuchProcess
            ? false
            : throw new IOException($"kill({pid}, {signal}) failed with errno {error}");
    }

    /// <summary>
    /// The bytes read into the buffer, or -1 when the file could not be read. Straight
    /// open, read and close: a FileStream or SafeFileHandle adds an fstat, a flock and its
    /// unlock and a second read, seven system calls instead of three for every process in
    /// every round of the monitor. A /proc file hands over all it has in the first read.
    /// </summary>
    private static int ReadInto(string path, Span<byte> buffer)
    {
        int fd;
        do
        {
            fd = open(path, ReadOnlyCloseOnExec);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        if (fd < 0)
        {
            return -1;
        }

        try
        {
            nint read;
            do
            {
                read = ProcFs.read(fd, ref MemoryMarshal.GetReference(buffer), buffer.Length);
            }
            while (read < 0 && Marshal.GetLastPInvokeError() == Interrupted);

            return (int)read;
        }
        finally
        {
            close(fd);
        }
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

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, ref byte buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
