using System.Diagnostics;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// Real processes: a child's exit code arrives through its pidfd, a process that is not
/// Cloner's child is seen to end, and the polling used without pidfds still reaps.
/// </summary>
public sealed class PidWatchTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(5);

    [SkippableFact]
    public async Task ChildReaper_ChildExitsWithCode_CodeArrivesThroughPidfd()
    {
        Skip.If(!PidWatch.IsAvailable, "this kernel has no pidfd_open");
        var pid = SpawnShell("sleep 0.3; exit 7");

        var exit = ChildReaper.Watch(pid);

        Assert.True(HasPidfdFor(pid), "the child is not watched through a pidfd");
        Assert.Equal(7, await exit.WaitAsync(_timeout));
        Assert.False(HasPidfdFor(pid), "the pidfd stayed open after the exit");
        Assert.Null(ProcFs.Stat(pid));
    }

    [SkippableFact]
    public async Task ChildReaper_ChildKilled_SignalCodeArrives()
    {
        Skip.If(!PidWatch.IsAvailable, "this kernel has no pidfd_open");
        var pid = SpawnShell("exec sleep 1000");
        var exit = ChildReaper.Watch(pid);
        await Task.Delay(100);
        Assert.False(exit.IsCompleted);

        ProcFs.SignalGroup(pid, ProcFs.SigKill);

        Assert.Equal(128 + ProcFs.SigKill, await exit.WaitAsync(_timeout));
    }

    [Fact]
    public async Task ChildReaper_PidfdsForcedOff_ExitCodeArrivesByPolling()
    {
        PidWatch.ForcePolling = true;
        var pid = SpawnShell("sleep 0.2; exit 3");

        var exit = ChildReaper.Watch(pid);

        Assert.False(HasPidfdFor(pid), "polling was forced, yet a pidfd was opened");
        Assert.Equal(3, await exit.WaitAsync(_timeout));
        Assert.Null(ProcFs.Stat(pid));
    }

    [SkippableFact]
    public async Task PidWatch_NotOurChild_ExitSeen()
    {
        Skip.If(!PidWatch.IsAvailable, "this kernel has no pidfd_open");
        var pid = await StartOrphanAsync();
        Assert.NotEqual(Environment.ProcessId, ProcFs.Stat(pid)!.ParentPid);

        var exited = PidWatch.WhenExited(pid, () => ProcFs.Stat(pid) is { IsZombie: false });
        Assert.NotNull(exited);
        await Task.Delay(100);
        Assert.False(exited.IsCompleted);
        Kill(pid);

        await exited.WaitAsync(_timeout);
        Assert.False(HasPidfdFor(pid));
    }

    [SkippableFact]
    public async Task PidWatch_PidNamesAnotherProcess_CompletesAtOnce()
    {
        Skip.If(!PidWatch.IsAvailable, "this kernel has no pidfd_open");
        var pid = await StartOrphanAsync();
        try
        {
            var exited = PidWatch.WhenExited(pid, isSame: () => false);

            Assert.NotNull(exited);
            Assert.True(exited.IsCompleted);
            Assert.False(HasPidfdFor(pid));
        }
        finally
        {
            Kill(pid);
        }
    }

    [SkippableFact]
    public async Task PidWatch_Cancelled_DescriptorClosed()
    {
        Skip.If(!PidWatch.IsAvailable, "this kernel has no pidfd_open");
        var pid = await StartOrphanAsync();
        try
        {
            using var cancel = new CancellationTokenSource();
            var exited = PidWatch.WhenExited(pid, cancel: cancel.Token);
            Assert.NotNull(exited);
            Assert.True(HasPidfdFor(pid));

            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exited);
            Assert.False(HasPidfdFor(pid));
        }
        finally
        {
            Kill(pid);
        }
    }

    [Fact]
    public void PidWatch_PidfdsForcedOff_ReturnsNullForPolling()
    {
        PidWatch.ForcePolling = true;

        Assert.Null(PidWatch.WhenExited(Environment.ProcessId));
    }

    private static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill();
    }

    private static int SpawnShell(string script) =>
        PosixSpawn.Spawn("/bin/sh", ["sh", "-c", script], new Dictionary<string, string>(),
            "/", stdin: -1, stdout: -1, stderr: -1);

    /// <summary>
    /// A sleep in a session of its own whose parent, a shell, has exited: it is not this
    /// process's child (init or a subreaper took it).
    /// </summary>
    private static async Task<int> StartOrphanAsync()
    {
        var start = new ProcessStartInfo("setsid",
            ["sh", "-c", "sleep 1000 </dev/null >/dev/null 2>&1 & echo $!"])
        {
            RedirectStandardOutput = true,
        };
        using var shell = Process.Start(start)!;
        var line = await shell.StandardOutput.ReadLineAsync();
        await shell.WaitForExitAsync();
        return int.Parse(line!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>True when this process holds a pidfd for <paramref name="pid"/>.</summary>
    private static bool HasPidfdFor(int pid) =>
        FdInfo.OfThisProcess().Any(
            text => text.Contains($"\nPid:\t{pid}\n", StringComparison.Ordinal));
}
