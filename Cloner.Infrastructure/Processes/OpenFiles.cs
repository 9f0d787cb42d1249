using System.Globalization;
using System.Runtime.InteropServices;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Cloner's budget of open files. Every launch costs Cloner descriptors (two pipes, the relay
/// config, the two relay tails), and once its descriptors run out Kestrel, the store and the
/// logs fail too, so a start is refused while fewer than a reserve would remain. The limit is
/// the soft <c>RLIMIT_NOFILE</c>; .NET raises it to the hard limit at start-up, so under
/// systemd it is what <c>LimitNOFILE=</c> says.
/// The supervisor takes the check and the opening of a launch's descriptors one start at a
/// time (its launch turn), so starts of many components at once are admitted as far as they
/// fit and no further.
/// Known shortcoming: only starts take that turn; what the rest of Cloner opens at the same
/// moment (HTTP connections, the store, the monitor's and a start's own /proc reads after its
/// spawn, the notes files) is counted as it is at the check, so a burst of those can still
/// take from the reserve or refuse a start that would have fit a moment later.
/// </summary>
public static class OpenFiles
{
    /// <summary>
    /// What one launch may take at its peak: four pipe ends and a relay config being written
    /// while it starts, the three pidfds (the component and its two relays, see PidWatch) and
    /// the two relay tails that stay open while the component runs, and one for a /proc read
    /// of the start or the monitor. Measured (OpenFilesTests prints it): a running component
    /// holds 5 of Cloner's descriptors, one that does not run holds none.
    /// </summary>
    public const int LaunchCost = 11;

    /// <summary>Kept free at least, for HTTP connections, the store and Cloner's logs.</summary>
    public const int ReserveFloor = 64;

    /// <summary>Of a larger limit, this share (one in 16) is kept free instead.</summary>
    public const int ReserveShare = 16;

    /// <summary>EMFILE: this process has its limit of open files.</summary>
    public const int TooManyOpen = 24;

    /// <summary>ENFILE: the system's table of open files is full.</summary>
    public const int TableFull = 23;

    private const int NoFileResource = 7; // RLIMIT_NOFILE on Linux

    /// <summary>How many descriptors Cloner holds now and may hold; null when unknown.</summary>
    public static OpenFileCount? Count()
    {
        var limit = Limit();
        if (limit is null)
        {
            return null;
        }

        try
        {
            // The enumeration holds one descriptor of its own on /proc/self/fd.
            var inUse = Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() - 1;
            return new OpenFileCount(inUse, limit.Value);
        }
        catch (IOException ex) when (IsExhausted(ex))
        {
            return new OpenFileCount(limit.Value, limit.Value);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// What this process's descriptors point at, of those under <paramref name="folder"/>
    /// (a file that was deleted still counts, with " (deleted)" after it); null when
    /// /proc/self/fd cannot be read. Reads every link, so it costs more than
    /// <see cref="Count"/>.
    /// </summary>
    public static List<string>? TargetsUnder(string folder)
    {
        var prefix = Path.TrimEndingDirectorySeparator(folder) + "/";
        return Targets()?.Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).ToList();
    }

    /// <summary>
    /// What each of this process's descriptors points at: a path, or <c>pipe:[inode]</c>,
    /// <c>anon_inode:[pidfd]</c> and the like; null when /proc/self/fd cannot be read.
    /// </summary>
    public static List<string>? Targets()
    {
        var targets = new List<string>();
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                if (LinkTarget(fd) is { } target)
                {
                    targets.Add(target);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return targets;
    }

    /// <summary>The soft RLIMIT_NOFILE; null when it cannot be read or is unlimited.</summary>
    public static long? Limit()
    {
        if (getrlimit(NoFileResource, out var limit) != 0 || limit.Soft > long.MaxValue)
        {
            return null;
        }

        return (long)limit.Soft;
    }

    /// <summary>The descriptors kept free under <paramref name="limit"/>.</summary>
    public static int ReserveFor(long limit) =>
        (int)Math.Max(ReserveFloor, Math.Min(int.MaxValue, limit / ReserveShare));

    /// <summary>
    /// Why <paramref name="component"/> may not start with <paramref name="count"/>, as a
    /// sentence for the operator; null when the launch fits and the reserve stays free.
    /// </summary>
    public static string? Refusal(OpenFileCount count, string component, int cost = LaunchCost)
    {
        var reserve = ReserveFor(count.Limit);
        if (count.InUse + cost + reserve <= count.Limit)
        {
            return null;
        }

        return $"Cloner has {N(count.InUse)} of its {N(count.Limit)} open files in use "
            + $"(RLIMIT_NOFILE); starting {component} needs about {N(cost)} more and "
            + $"{N(reserve)} stay free for the dashboard, the store and the logs. "
            + "Raise LimitNOFILE= in Cloner's systemd unit or stop other components";
    }

    /// <summary>
    /// The sentence for a launch that failed with EMFILE or ENFILE (see
    /// <see cref="IsExhausted"/>), naming the numbers as far as they can still be read.
    /// </summary>
    public static string Exhausted(Exception ex, string component)
    {
        if (Errno(ex) == TableFull)
        {
            return $"the system's table of open files is full (ENFILE), so starting {component} "
                + "failed; raise fs.file-max (sysctl) or stop programs that hold many files";
        }

        var count = Count();
        var numbers = count is { } c
            ? $"Cloner has {N(c.InUse)} of its {N(c.Limit)} open files in use"
            : "Cloner has all of its open files in use";
        return $"{numbers} (RLIMIT_NOFILE, EMFILE), so starting {component} failed; "
            + "raise LimitNOFILE= in Cloner's systemd unit or stop other components";
    }

    /// <summary>Where one descriptor points; null for one closed since it was listed.</summary>
    private static string? LinkTarget(string fd)
    {
        try
        {
            return new FileInfo(fd).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="ex"/> is EMFILE or ENFILE.</summary>
    public static bool IsExhausted(Exception ex) => Errno(ex) is TooManyOpen or TableFull;

    /// <summary>
    /// EMFILE or ENFILE from an I/O failure, else null: .NET puts the errno in the HResult of
    /// an <see cref="IOException"/> it has no better type for, and <see cref="PosixSpawn"/>
    /// does the same; strerror's text is the fallback.
    /// </summary>
    private static int? Errno(Exception ex)
    {
        if (ex is not IOException)
        {
            return null;
        }

        if (ex.HResult is TooManyOpen or TableFull)
        {
            return ex.HResult;
        }

        if (ex.Message.Contains("Too many open files in system", StringComparison.Ordinal))
        {
            return TableFull;
        }

        return ex.Message.Contains("Too many open files", StringComparison.Ordinal)
            ? TooManyOpen
            : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Soft;
        public ulong Hard;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out ResourceLimit limit);
}

/// <summary>Cloner's open descriptors and its soft RLIMIT_NOFILE at one moment.</summary>
public readonly record struct OpenFileCount(long InUse, long Limit);
