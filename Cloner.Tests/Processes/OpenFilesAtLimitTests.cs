using System.Runtime.InteropServices;
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
    private const int NoFileResource = 7; // RLIMIT_NOFILE

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

        var failures = AtLimit(() => new Exception?[]
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

        var record = await AtLimitAsync(() => _harness.StartAsync(spec));

        Assert.Equal(ComponentState.Fatal, record.State);
        Assert.True(record.WantedRunning);
        Assert.Contains("Cloner has 3 of its 3 open files in use (RLIMIT_NOFILE); starting bot",
            record.Message, StringComparison.Ordinal);
        Assert.Null(record.Pid);
        Assert.Empty(ChildrenOfThisProcess().Except(before));
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

    private static T AtLimit<T>(Func<T> body)
    {
        Check(getrlimit(NoFileResource, out var saved));
        var lowered = saved with { Soft = 3 };
        Check(setrlimit(NoFileResource, ref lowered));
        try
        {
            return body();
        }
        finally
        {
            Check(setrlimit(NoFileResource, ref saved));
        }
    }

    private static async Task<T> AtLimitAsync<T>(Func<Task<T>> body)
    {
        Check(getrlimit(NoFileResource, out var saved));
        var lowered = saved with { Soft = 3 };
        Check(setrlimit(NoFileResource, ref lowered));
        try
        {
            return await body();
        }
        finally
        {
            Check(setrlimit(NoFileResource, ref saved));
        }
    }

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new InvalidOperationException(
                $"getrlimit/setrlimit failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The pids whose parent is this test process, sorted.</summary>
    private static List<int> ChildrenOfThisProcess() =>
        ProcFs.All().Where(s => s.ParentPid == Environment.ProcessId)
            .Select(s => s.Pid).Order().ToList();

    [StructLayout(LayoutKind.Sequential)]
    private record struct ResourceLimit(ulong Soft, ulong Hard);

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out ResourceLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, ref ResourceLimit limit);
}

/// <summary>Tests that take this process's descriptors away for a moment run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpenFilesAtLimitCollection
{
    public const string Name = "Open files at the limit";
}
