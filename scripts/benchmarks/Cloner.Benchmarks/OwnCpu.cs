using Cloner.Infrastructure.Processes;

namespace Cloner.Benchmarks;

/// <summary>
/// This process's CPU time (utime + stime of /proc/self/stat) against the wall clock. The
/// kernel counts in clock ticks (10 ms at 100 Hz), so a window of 10 s resolves 0.1 %.
/// </summary>
internal readonly record struct OwnCpu(long UserTicks, long SystemTicks, long Timestamp)
{
    public static OwnCpu Now()
    {
        var stat = ProcStat.Parse(File.ReadAllText("/proc/self/stat"))
            ?? throw new InvalidOperationException("/proc/self/stat could not be read");
        return new OwnCpu(
            stat.UserTicks, stat.SystemTicks, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    public TimeSpan CpuSince(OwnCpu before) => UserSince(before) + KernelSince(before);

    public TimeSpan UserSince(OwnCpu before) => Time(UserTicks - before.UserTicks);

    public TimeSpan KernelSince(OwnCpu before) => Time(SystemTicks - before.SystemTicks);

    public TimeSpan WallSince(OwnCpu before) =>
        System.Diagnostics.Stopwatch.GetElapsedTime(before.Timestamp, Timestamp);

    /// <summary>Percent of one core used between the two readings.</summary>
    public double PercentSince(OwnCpu before) =>
        CpuSince(before).TotalSeconds / WallSince(before).TotalSeconds * 100;

    private static TimeSpan Time(long ticks) =>
        TimeSpan.FromSeconds(ticks / (double)ProcFs.ClockTicksPerSecond);
}
