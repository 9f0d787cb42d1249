using System.Diagnostics;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Infrastructure.Processes;

namespace Cloner.Benchmarks;

/// <summary>
/// From a SIGKILL sent from outside Cloner to the component's Exited or Backoff change
/// reaching a subscriber of the feed. Kills go one at a time, each to another component.
/// </summary>
internal static class ExitLatencyBenchmark
{
    private static readonly TimeSpan _giveUp = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(
        Fleet fleet, Watcher watcher, Settings settings, FigureTable table,
        CancellationToken cancel)
    {
        var targets = Spread(fleet, settings.Kills);
        Console.WriteLine($"exit latency: {targets.Count} kills, one at a time");
        var latencies = new List<double>();
        var missed = 0;
        foreach (var (clone, spec) in targets)
        {
            var record = fleet.Supervisor.Current(clone.Name, spec.Name);
            if (record is not { Pid: { } pid, ProcessStartTicks: { } ticks }
                || ProcFs.Stat(pid) is not { } stat || stat.StartTicks != ticks)
            {
                missed++;
                continue;
            }

            var ended = watcher.NextEndAsync(clone.Name, spec.Name);
            var killedAt = Stopwatch.GetTimestamp();
            Fleet.Kill(pid);
            try
            {
                var arrivedAt = await ended.WaitAsync(_giveUp, cancel);
                latencies.Add(Stopwatch.GetElapsedTime(killedAt, arrivedAt).TotalMilliseconds);
            }
            catch (TimeoutException)
            {
                missed++;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancel);
        }

        var median = Figures.Median(latencies);
        var p99 = Figures.Percentile(latencies, 99);
        table.Add("kills measured / not measured", $"{latencies.Count} / {missed}",
            $"{targets.Count} / 0", missed == 0);
        table.Add("kill to Exited/Backoff on feed, median (ms)", Figures.Num(median, "0.0"),
            "< 500 ms", median < 500);
        var p99Name = latencies.Count < 100 ? $"p99 (of {latencies.Count}: the max)" : "p99";
        table.Add($"kill to Exited/Backoff on feed, {p99Name} (ms)", Figures.Num(p99, "0.0"),
            "< 500 ms", p99 < 500);
        table.Add("kill to Exited/Backoff on feed, p90 (ms)",
            Figures.Num(Figures.Percentile(latencies, 90), "0.0"));
    }

    /// <summary>Components spread over the fleet, each at most once.</summary>
    private static List<(Clone Clone, ComponentSpec Spec)> Spread(Fleet fleet, int count)
    {
        var all = fleet.Started;
        var step = Math.Max(1, all.Count / Math.Max(1, count));
        return Enumerable.Range(0, Math.Min(count, all.Count))
            .Select(i => all[i * step % all.Count])
            .Distinct()
            .ToList();
    }
}
