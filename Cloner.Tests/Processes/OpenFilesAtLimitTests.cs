using System.Globalization;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// Real EMFILE: this test process lowers its own soft RLIMIT_NOFILE to 3 for a moment, so any
/// new descriptor fails, and checks what the launch path's pieces make of that. The tests run
/// alone, after the parallel ones, since every open of every thread fails meanwhile. The code
/// under test runs once before: at the limit .NET cannot even map an assembly it has not
/// loaded yet (FileNotFoundException), which is why the budget keeps a reserve at all.
/// </summary>
[Collection(OpenFilesAtLimitCollection.Name)]
public sealed class OpenFilesAtLimitTests : IAsyncLifetime
{

    private readonly SupervisorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public void PipeAndFile_NoDescriptorLeft_EachFailureTakenForEmfile()
    {
        var (read, write) = PosixSpawn.Pipe();
        PosixSpawn.Close(read);
        PosixSpawn.Close(write);
        _ = OpenFiles.Exhausted(new IOException("warm-up", OpenFiles.TooManyOpen), "warm-up");

        var failures = DescriptorLimit.At(3, () => new Exception?[]
        {
            Catch(() => PosixSpawn.Pipe()),
            Catch(() => File.ReadAllText("/proc/self/limits")),
            Catch(() => File.WriteAllText(Path.Combine(_harness.Root, "config"), "s1\n")),
        });

        Assert.All(failures, failure =>
        {
            Assert.IsAssignableFrom<IOException>(failure);
            Assert.True(OpenFiles.IsExhausted(failure!), $"not taken for EMFILE: {failure}");
        });
        var sentence = OpenFiles.Exhausted(failures[0]!, "bot");
        Assert.Contains("open files in use (RLIMIT_NOFILE, EMFILE)", sentence,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoDescriptorLeft_FatalNamingTheLimitNothingSpawned()
    {
        var warm = SupervisorHarness.Shell("warm", "sleep 30");
        await _harness.StartAsync(warm);
        await _harness.StopAsync(warm);
        _ = OpenFiles.Refusal(new OpenFileCount(1, 1), "warm");
        var spec = SupervisorHarness.Shell("bot", "sleep 30");
        var before = ChildrenOfThisProcess();

        var record = await DescriptorLimit.AtAsync(3, () => _harness.StartAsync(spec));

        Assert.Equal(ComponentState.Fatal, record.State);
        Assert.True(record.WantedRunning);
        Assert.Contains("Cloner has 3 of its 3 open files in use (RLIMIT_NOFILE); starting bot",
            record.Message, StringComparison.Ordinal);
        Assert.Null(record.Pid);
        Assert.Empty(ChildrenOfThisProcess().Except(before));
    }

    /// <summary>
    /// Twenty starts at once under a limit with room for ten: the launch turn admits them one
    /// at a time, so exactly ten run and ten are Fatal with the numbers, the refused hold no
    /// descriptor, and once the ten are stopped the refused ten start in the same room. The
    /// limit leaves the last start that fits one running component's share less one to
    /// spare, and the next is short by one: whatever else opens a file meanwhile does not
    /// change which fit, however the starts interleave.
    /// </summary>
    [Fact]
    public async Task StartMany_LimitFitsTen_ExactlyTenRunRestFatalThenRefusedStartInTheRoom()
    {
        const int starts = 20;
        const int fit = 10;
        var warm = SupervisorHarness.Shell("warm", "sleep 30");
        await _harness.StartAsync(warm);
        await _harness.StopAsync(warm);
        CloseWhatIsGarbage();
        var pipesBefore = Pipes();
        var launchBefore = LaunchDescriptors();
        var perRun = await HeldByOneRunAsync(SupervisorHarness.Shell("probe", "sleep 30"));
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => LaunchDescriptors() == launchBefore, SupervisorHarness.Patience),
            $"the warm-up run left {LaunchDescriptors() - launchBefore} descriptors open");
        Assert.InRange(perRun, 1, OpenFiles.LaunchCost);
        var limit = await LeastOpenFilesAsync() + fit * perRun + OpenFiles.LaunchCost - 1
            + OpenFiles.ReserveFloor;
        Assert.True(limit / OpenFiles.ReserveShare <= OpenFiles.ReserveFloor,
            $"limit {limit} would raise the reserve past its floor");
        var specs = Enumerable.Range(1, starts)
            .Select(n => SupervisorHarness.Shell($"c{n}", "sleep 60"))
            .ToList();

        await DescriptorLimit.AtAsync((ulong)limit, async () =>
        {
            var refused = await StartAllAsync(specs, fit, limit);
            await SettledAsync(launchBefore + fit * perRun, "with ten running");

            await Task.WhenAll(specs.Except(refused).Select(_harness.StopAsync));
            await SettledAsync(launchBefore, "after the ten stopped");

            var again = await StartAllAsync(refused, fit, limit);
            Assert.Empty(again);
            await SettledAsync(launchBefore + fit * perRun, "with the other ten running");
            await Task.WhenAll(refused.Select(_harness.StopAsync));
            await SettledAsync(launchBefore, "after all stopped");
        });

        CloseWhatIsGarbage();
        Assert.InRange(Pipes(), 0, pipesBefore);
    }

    /// <summary>
    /// Starts every spec at once; checks that exactly <paramref name="fit"/> run and the rest
    /// are Fatal with the refusal, and answers the refused.
    /// </summary>
    private async Task<List<ComponentSpec>> StartAllAsync(
        List<ComponentSpec> specs, int fit, long limit)
    {
        var records = await Task.WhenAll(specs.Select(spec => Task.Run(
            () => _harness.StartAsync(spec))));

        var refused = specs.Where((_, i) => records[i].State == ComponentState.Fatal).ToList();
        Assert.Equal(Math.Min(fit, specs.Count), specs.Count - refused.Count);
        foreach (var (record, spec) in records.Zip(specs))
        {
            if (record.State == ComponentState.Fatal)
            {
                Assert.Null(record.Pid);
                Assert.Contains($"of its {limit.ToString("N0", CultureInfo.InvariantCulture)} "
                    + $"open files in use (RLIMIT_NOFILE); starting {spec.Name} needs about",
                    record.Message, StringComparison.Ordinal);
                continue;
            }

            Assert.NotNull(record.Pid);
            Assert.True(await SupervisorHarness.EventuallyAsync(
                () => _harness.Supervisor.Current(_harness.Clone.Name, spec.Name).State
                    == ComponentState.Running, SupervisorHarness.Patience),
                $"{spec.Name} did not become Running");
        }

        return refused;
    }

    private async Task SettledAsync(int expected, string when)
    {
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => LaunchDescriptors() == expected, SupervisorHarness.Patience),
            $"{when}: {LaunchDescriptors()} pidfds and relay files open, not {expected}");
    }

    /// <summary>
    /// Starts the spec, waits until its tails hold both relay files, and answers how many
    /// pidfds and relay files the run holds; then stops it.
    /// </summary>
    private async Task<int> HeldByOneRunAsync(ComponentSpec spec)
    {
        var before = LaunchDescriptors();
        var record = await _harness.StartAsync(spec);
        Assert.NotNull(record.Pid);
        var folder = Path.Combine(_harness.Options.LogsDir, _harness.Clone.Name, spec.Name);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => RelayFilesOpen().Count(f => f.StartsWith(folder + "/", StringComparison.Ordinal))
                == 2, SupervisorHarness.Patience), "the tails did not open both relay files");
        var held = LaunchDescriptors() - before;
        await _harness.StopAsync(spec);
        return held;
    }

    /// <summary>
    /// This process's pidfds and open relay files (out/ and err/ of this harness's log
    /// folders): what a run holds, without the notes files and /proc reads that come and go.
    /// A launch's pipes are closed before it ends; see <see cref="Pipes"/>.
    /// </summary>
    private int LaunchDescriptors() =>
        Targets().Count(t => t == "anon_inode:[pidfd]") + RelayFilesOpen().Count;

    private List<string> RelayFilesOpen() =>
        Targets().Where(t => t.StartsWith(_harness.Options.LogsDir + "/", StringComparison.Ordinal)
            && Path.GetFileName(Path.GetDirectoryName(t.Split(" (deleted)")[0]))
                is "out" or "err").ToList();

    /// <summary>
    /// This process's pipe ends; other tests' processes that were let go without being
    /// disposed of hold some until <see cref="CloseWhatIsGarbage"/>.
    /// </summary>
    private static int Pipes() =>
        Targets().Count(t => t.StartsWith("pipe:", StringComparison.Ordinal));

    /// <summary>
    /// Runs the finalizers of what earlier tests let go, so descriptors that would close at
    /// some later collection (and make room the limit did not mean to give) are closed now.
    /// </summary>
    private static void CloseWhatIsGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static List<string> Targets() =>
        Directory.GetFileSystemEntries("/proc/self/fd")
            .Select(fd =>
            {
                try
                {
                    return new FileInfo(fd).LinkTarget;
                }
                catch (IOException)
                {
                    return null;
                }
            })
            .OfType<string>()
            .ToList();

    /// <summary>The fewest descriptors of five readings: what comes and goes left out.</summary>
    private static async Task<int> LeastOpenFilesAsync()
    {
        CloseWhatIsGarbage();
        var least = int.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            least = (int)Math.Min(least, OpenFiles.Count()!.Value.InUse);
            await Task.Delay(20);
        }

        return least;
    }

    private static Exception? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>The pids whose parent is this test process, sorted.</summary>
    private static List<int> ChildrenOfThisProcess() =>
        ProcFs.All().Where(s => s.ParentPid == Environment.ProcessId)
            .Select(s => s.Pid).Order().ToList();

}

/// <summary>Tests that take this process's descriptors away for a moment run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpenFilesAtLimitCollection
{
    public const string Name = "Open files at the limit";
}
