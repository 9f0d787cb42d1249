namespace Cloner.Infrastructure.Processes;

/// <summary>
/// CPU use of a process group between two /proc samples. Each process is known by its pid and
/// start ticks; one that is new since the first sample counts all its ticks, one that ended
/// in between counts nothing (its last ticks are lost with it).
/// </summary>
public static class CpuUsage
{
    /// <summary>Percent of one core: 100 is one core busy the whole time.</summary>
    public static double Percent(
        IReadOnlyDictionary<(int Pid, long StartTicks), long> before,
        IEnumerable<ProcStat> now,
        TimeSpan elapsed,
        long clockTicksPerSecond)
    {
        if (elapsed <= TimeSpan.Zero || clockTicksPerSecond <= 0)
        {
            return 0;
        }

        long ticks = 0;
        foreach (var stat in now)
        {
            var previous = before.GetValueOrDefault((stat.Pid, stat.StartTicks));
            ticks += Math.Max(0, stat.CpuTicks - previous);
        }

        return ticks / (double)clockTicksPerSecond / elapsed.TotalSeconds * 100;
    }
}
