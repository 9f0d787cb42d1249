using System.Diagnostics;
using System.Globalization;
using Cloner.Domain.Blueprints;

namespace Cloner.Benchmarks;

/// <summary>
/// One component printing <c>seq 1 N</c> as fast as it can: how fast its lines reach the log
/// file and a subscriber of the feed, and whether the file holds every line, in order.
/// </summary>
internal static class LogThroughputBenchmark
{
    private static readonly TimeSpan _giveUp = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(
        Fleet fleet, Watcher watcher, Settings settings, FigureTable table,
        CancellationToken cancel)
    {
        var runs = new List<FloodRun>();
        for (var i = 1; i <= settings.Floods; i++)
        {
            var run = await FloodAsync(fleet, watcher, i, settings.FloodLines, cancel);
            runs.Add(run);
            Console.WriteLine(
                $"  flood {i}: {run.LinesPerSecond:0} lines/s, file {run.InFile}/{run.Expected} "
                + $"lines in order={run.InOrder}, feed {run.OnFeed} lines, dropped changes "
                + $"{run.DroppedChanges}, Cloner CPU {run.CpuPercent:0} % of one core");
        }

        var rates = runs.Select(r => r.LinesPerSecond).ToList();
        var median = Figures.Median(rates);
        var lost = runs.Sum(r => r.Expected - r.InFile);
        table.Add("log lines/s into file and feed, median", Figures.Num(median, "0"),
            "> 50,000", median > 50_000);
        table.Add("  runs (lines/s)", string.Join(" / ", rates.Select(r => Figures.Num(r, "0"))));
        table.Add("lines lost in the file (all runs)", $"{lost}", "0",
            lost == 0 && runs.All(r => r.InOrder));
        table.Add("lines to the subscriber / printed (all runs)",
            $"{runs.Sum(r => r.OnFeed)} / {runs.Sum(r => r.Expected)}");
        table.Add("feed changes dropped for the subscriber", $"{runs.Sum(r => r.DroppedChanges)}");
        table.Add("Cloner CPU while flooding, median (% core)",
            Figures.Num(Figures.Median(runs.Select(r => r.CpuPercent).ToList()), "0"));
    }

    private static async Task<FloodRun> FloodAsync(
        Fleet fleet, Watcher watcher, int number, int lines, CancellationToken cancel)
    {
        var clone = fleet.NewClone($"flood{number}", 1000 + number);
        var spec = new ComponentSpec
        {
            Name = "flood",
            Command = "seq",
            Args = ["1", lines.ToString(CultureInfo.InvariantCulture)],
            StartSeconds = TimeSpan.FromSeconds(1),
            StopTimeout = TimeSpan.FromSeconds(5),
            Restart = RestartPolicy.Never,
        };
        var last = lines.ToString(CultureInfo.InvariantCulture);
        var track = watcher.TrackLog(clone.Name, last);
        var droppedBefore = watcher.Dropped;

        var cpuBefore = OwnCpu.Now();
        await fleet.StartAsync(clone, spec, cancel);
        long lastAt;
        try
        {
            lastAt = await track.Last.Task.WaitAsync(_giveUp, cancel);
        }
        catch (TimeoutException)
        {
            lastAt = Stopwatch.GetTimestamp();
            Console.WriteLine($"  flood {number}: the line '{last}' did not reach the feed "
                + $"within {_giveUp.TotalSeconds:0} s");
        }

        var cpuAfter = OwnCpu.Now();
        var seconds = Stopwatch.GetElapsedTime(cpuBefore.Timestamp, lastAt).TotalSeconds;
        var (inFile, inOrder) = CountFile(fleet.Supervisor.LogFilePath(clone.Name, spec.Name));
        return new FloodRun(
            lines,
            lines / seconds,
            inFile,
            inOrder,
            track.Lines,
            watcher.Dropped - droppedBefore,
            cpuAfter.CpuSince(cpuBefore).TotalSeconds / seconds * 100);
    }

    /// <summary>
    /// Counts the numbered lines over the relay's <c>current</c> file and the files svlogd
    /// rotated out of it (named <c>@&lt;tai64n&gt;.s</c>, so their names sort oldest first),
    /// and whether they run 1, 2, 3, ... without a gap or a repeat.
    /// </summary>
    private static (long Count, bool InOrder) CountFile(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        var files = Directory.GetFiles(folder, "@*")
            .Order(StringComparer.Ordinal)
            .Append(path)
            .Where(File.Exists);
        long count = 0;
        var inOrder = true;
        foreach (var file in files)
        {
            foreach (var text in File.ReadLines(file))
            {
                // svlogd -tt: "<yyyy-mm-dd_hh:mm:ss.xxxxx> <text>"
                var space = text.IndexOf(' ');
                if (space > 0
                    && long.TryParse(text.AsSpan(space + 1), CultureInfo.InvariantCulture, out var value))
                {
                    count++;
                    inOrder &= value == count;
                }
            }
        }

        return (count, inOrder);
    }

    private sealed record FloodRun(
        long Expected,
        double LinesPerSecond,
        long InFile,
        bool InOrder,
        long OnFeed,
        long DroppedChanges,
        double CpuPercent);
}
