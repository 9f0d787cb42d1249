using System.Diagnostics;
using System.Runtime.InteropServices;
using Cloner.Benchmarks;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Processes;
using Microsoft.Extensions.Logging;

// The live-monitoring benchmark: real processes under the real supervisor and monitor.
// scripts/benchmark-live.sh builds it in Release and runs it; options are in Settings.
Settings settings;
try
{
    settings = Settings.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var cancel = new CancellationTokenSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

var ownWorkDir = settings.WorkDir is null;
var workDir = settings.WorkDir ?? Directory.CreateTempSubdirectory("cloner-bench-").FullName;
using var loggers = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(console => console.SingleLine = true)
    .SetMinimumLevel(LogLevel.Error));

var table = new FigureTable();
var fleet = new Fleet(workDir, loggers);
try
{
    var descriptorsBefore = Directory.GetFiles("/proc/self/fd").Length;
    await StartFleetAsync(fleet, settings, cancel.Token);
    var components = fleet.Started.Count;
    var descriptors = Directory.GetFiles("/proc/self/fd").Length - descriptorsBefore;
    table.Add("Cloner's descriptors per running component (pidfds, relay files)",
        $"{(double)descriptors / components:0.00} ({descriptors} for {components})");
    await using var watcher = new Watcher(fleet.Feed);
    await MonitorBenchmark.RunAsync(fleet, watcher, settings, table, cancel.Token);

    // The monitor keeps sampling every second from here on, as while an operator watches.
    await ExitLatencyBenchmark.RunAsync(fleet, watcher, settings, table, cancel.Token);
    await LogThroughputBenchmark.RunAsync(fleet, watcher, settings, table, cancel.Token);
    table.Add("starts that hit the supervisor's setsid race (tried again)",
        $"{fleet.StartRaces} of {fleet.Starts}");
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled");
}
finally
{
    Console.WriteLine("stopping every component");
    await fleet.DisposeAsync();
    if (ownWorkDir)
    {
        Directory.Delete(workDir, recursive: true);
    }
}

if (cancel.IsCancellationRequested)
{
    return 130;
}

Console.WriteLine();
table.Print(Console.Out);
return table.AllMet ? 0 : 1;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}

static async Task StartFleetAsync(Fleet fleet, Settings settings, CancellationToken cancel)
{
    string[] names = ["bot", "vk", "billing", "websocket"];
    var specs = Enumerable.Range(0, settings.ComponentsPerClone)
        .Select(i => new ComponentSpec
        {
            Name = i < names.Length ? names[i] : $"part{i}",
            Command = "sleep",
            Args = ["3600"],
            StartSeconds = TimeSpan.FromSeconds(1),
            StopTimeout = TimeSpan.FromSeconds(5),
        })
        .ToList();
    var clones = Enumerable.Range(1, settings.Clones)
        .Select(n => fleet.NewClone($"bench{n}", n))
        .ToList();

    var started = Stopwatch.GetTimestamp();
    await Parallel.ForEachAsync(
        clones.SelectMany(clone => specs.Select(spec => (clone, spec))),
        new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancel },
        async (item, token) => await fleet.StartAsync(item.clone, item.spec, token));

    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
    while (fleet.Started.Any(s =>
        fleet.Supervisor.Current(s.Clone.Name, s.Spec.Name).State != ComponentState.Running))
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException("the fleet's components were not all Running after 60 s");
        }

        await Task.Delay(200, cancel);
    }

    Console.WriteLine($"fleet: {clones.Count} clones x {specs.Count} components Running after "
        + $"{Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s, work folder {fleet.WorkDir}; "
        + $"{fleet.StartRaces} starts hit the setsid race and were tried again");
}
