using System.Diagnostics;
using Cloner.Domain.Live;
using Cloner.Infrastructure.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Benchmarks;

/// <summary>
/// What the resource monitor costs with the fleet running: Cloner's own CPU in windows with
/// the monitor sampling every second, each paired with a window just before it in which
/// nothing samples, and the wall and CPU time of one sampling round.
/// </summary>
internal static class MonitorBenchmark
{
    private const int WarmUpRounds = 50;

    private static readonly TimeSpan _warmUp = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(
        Fleet fleet, Watcher watcher, Settings settings, FigureTable table,
        CancellationToken cancel)
    {
        var rounds = TimeRounds(fleet, settings.Rounds);

        var window = TimeSpan.FromSeconds(settings.WindowSeconds);
        Console.WriteLine($"monitor: {settings.Windows} pairs of {window.TotalSeconds:0} s "
            + "windows, idle then sampling every second");
        var idle = new List<double>();
        var watched = new List<double>();
        var roundsSeen = new List<double>();
        for (var i = 0; i < settings.Windows; i++)
        {
            await fleet.StopMonitorAsync();
            await Task.Delay(_warmUp, cancel);
            idle.Add(await CpuPercentAsync(window, cancel));

            await fleet.StartMonitorAsync(cancel);
            await Task.Delay(_warmUp, cancel);
            var roundsBefore = watcher.Rounds;
            watched.Add(await CpuPercentAsync(window, cancel));
            roundsSeen.Add(watcher.Rounds - roundsBefore);
            Console.WriteLine($"  pair {i + 1}: idle {Figures.Num(idle[^1], "0.00")} %, "
                + $"sampling {Figures.Num(watched[^1], "0.00")} % of one core, "
                + $"{roundsSeen[^1]} rounds");
        }

        var median = Figures.Median(watched);
        var extra = Figures.Median(watched.Zip(idle, (w, i) => w - i).ToList());
        table.Add("processes in /proc (all users)", $"{rounds.Processes}");
        table.Add("component groups sampled per round", $"{rounds.Groups}");
        // The target is the monitor's own cost: what sampling adds to a Cloner that is
        // otherwise idle. The idle figure is what following the components' log relays and
        // reaping their processes costs with nothing sampling, shown apart.
        table.Add("Cloner CPU idle, nothing sampling (median % core)",
            Figures.Num(Figures.Median(idle), "0.00"));
        table.Add("Cloner CPU, monitor sampling 1/s (median % core)", Figures.Num(median, "0.00"));
        table.Add("the monitor's cost: sampling minus idle (median of pairs, % core)",
            Figures.Num(extra, "0.00"), "< 2 %", extra < 2);
        table.Add("  sampling windows (% core)", Join(watched));
        table.Add("  idle windows (% core)", Join(idle));
        table.Add("  rounds per window (expected 1/s)", string.Join(" / ", roundsSeen));
        table.Add("sampling round wall time, median (ms)",
            Figures.Num(Figures.Median(rounds.WallMs), "0.00"));
        table.Add("sampling round wall time, p99 (ms)",
            Figures.Num(Figures.Percentile(rounds.WallMs, 99), "0.00"));
        table.Add("sampling round CPU time, mean (ms)",
            Figures.Num(rounds.UserMs + rounds.KernelMs, "0.00"));
        table.Add("  user / kernel (ms)",
            $"{Figures.Num(rounds.UserMs, "0.00")} / {Figures.Num(rounds.KernelMs, "0.00")}");
        table.Add("  per process in /proc (us)",
            Figures.Num((rounds.UserMs + rounds.KernelMs) * 1000 / rounds.Processes, "0.0"));
    }

    private static string Join(IEnumerable<double> values) =>
        string.Join(" / ", values.Select(v => Figures.Num(v, "0.00")));

    private static async Task<double> CpuPercentAsync(TimeSpan window, CancellationToken cancel)
    {
        var before = OwnCpu.Now();
        await Task.Delay(window, cancel);
        return OwnCpu.Now().PercentSince(before);
    }

    /// <summary>
    /// Times rounds of a monitor that nobody started, one after the other while nothing else
    /// samples, after untimed rounds to warm it up; its samples go to a feed of its own. The
    /// CPU time is the whole process's over all rounds, divided by their number.
    /// </summary>
    private static RoundTimes TimeRounds(Fleet fleet, int rounds)
    {
        var monitor = new ResourceMonitor(
            fleet.Supervisor, new CloneFeed(), TimeProvider.System,
            NullLogger<ResourceMonitor>.Instance);
        for (var i = 0; i < WarmUpRounds; i++)
        {
            monitor.SampleOnce();
        }

        // Lets tiered compilation swap in optimized code, as in a monitor that runs for days.
        Thread.Sleep(TimeSpan.FromSeconds(1));
        var times = new List<double>(rounds);
        var before = OwnCpu.Now();
        for (var i = 0; i < rounds; i++)
        {
            var start = Stopwatch.GetTimestamp();
            monitor.SampleOnce();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var after = OwnCpu.Now();
        var userMs = after.UserSince(before).TotalMilliseconds / rounds;
        var kernelMs = after.KernelSince(before).TotalMilliseconds / rounds;
        var groups = fleet.Supervisor.RunningGroups()
            .Count(g => monitor.Latest(g.CloneName, g.Component) is not null);
        return new RoundTimes(times, userMs, kernelMs, groups, ProcFs.All().Count);
    }

    private sealed record RoundTimes(
        List<double> WallMs, double UserMs, double KernelMs, int Groups, int Processes);
}
