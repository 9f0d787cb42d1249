using System.Globalization;
using System.Text;

namespace Cloner.Tests.TestHost;

/// <summary>What /proc says about processes: their environment, state and parent.</summary>
public static class ProcFs
{
    /// <summary>
    /// The data folders of the Cloners this test run started. Other Cloners on the machine (a
    /// developer's, another test run's) may have clones of the same name; their processes
    /// are not this run's to count.
    /// </summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<string, bool> OwnDataDirs
    { get; } = new();

    /// <summary>
    /// Live (not zombie) processes whose environment says CLONER_CLONE=<paramref name="clone"/>,
    /// started by a Cloner of this test run.
    /// </summary>
    public static IReadOnlyList<int> PidsOfClone(string clone) =>
        AllPids()
            .Where(pid => IsOfClone(Environ(pid), clone))
            .Where(IsAlive)
            .ToList();

    private static bool IsOfClone(IReadOnlyDictionary<string, string> environ, string clone) =>
        environ.TryGetValue("CLONER_CLONE", out var name) && name == clone
        && environ.TryGetValue("CLONER_DATA_DIR", out var dataDir)
        && OwnDataDirs.ContainsKey(dataDir);

    public static IReadOnlyList<int> AllPids() =>
        Directory.GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(n => n!.All(char.IsAsciiDigit))
            .Select(n => int.Parse(n!, CultureInfo.InvariantCulture))
            .ToList();

    /// <summary>The environment of a process; empty when it is gone or unreadable.</summary>
    public static IReadOnlyDictionary<string, string> Environ(int pid)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes($"/proc/{pid}/environ");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Dictionary<string, string>();
        }

        var result = new Dictionary<string, string>();
        foreach (var entry in Encoding.UTF8.GetString(bytes).Split('\0',
            StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                result[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return result;
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => State(pid) is { } state && state != 'Z' && state != 'X';

    /// <summary>
    /// The one-letter state from /proc/pid/stat, or null when the process is gone.
    /// </summary>
    public static char? State(int pid)
    {
        var stat = Stat(pid);
        return stat is null ? null : stat[0][0];
    }

    public static int? ParentPid(int pid) =>
        Stat(pid) is { } stat ? int.Parse(stat[1], CultureInfo.InvariantCulture) : null;

    public static int? ProcessGroup(int pid) =>
        Stat(pid) is { } stat ? int.Parse(stat[2], CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// The fields of /proc/pid/stat after the command name (state, ppid, pgrp, ...).
    /// </summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')');
            return text[(close + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until no live process of the clone is left; answers those still alive.
    /// </summary>
    public static async Task<IReadOnlyList<int>> WaitNoneOfCloneAsync(string clone,
        TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var alive = PidsOfClone(clone);
        while (alive.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            alive = PidsOfClone(clone);
        }

        return alive;
    }

    public static string Describe(IEnumerable<int> pids) =>
        string.Join(", ", pids.Select(pid =>
        {
            var command = File.Exists($"/proc/{pid}/cmdline")
                ? File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()
                : "?";
            return $"{pid} ({State(pid)}) {command}";
        }));
}
