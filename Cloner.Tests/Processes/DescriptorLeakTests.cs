using Cloner.Domain.Blueprints;
using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// Real processes, measured: starting and stopping components over and over leaves Cloner
/// with the descriptors, pidfds and inotify watches it had before. Runs alone, since other
/// tests' descriptors would blur the count.
/// </summary>
[Collection(OpenFilesAtLimitCollection.Name)]
public sealed class DescriptorLeakTests : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task StartStop_TwoHundredTimes_DescriptorsPidfdsAndWatchesReturn()
    {
        var spec = SupervisorHarness.Shell("bot", "exec sleep 1000", startSeconds: 0.05);
        // The first run opens what lives for the whole process (the epoll, inotify instance).
        await StartAndStopAsync(spec);
        var before = Count();

        for (var i = 0; i < 200; i++)
        {
            await StartAndStopAsync(spec);
        }

        var settled = await SupervisorHarness.EventuallyAsync(
            () => NoMoreThan(before), SupervisorHarness.Patience);
        Assert.True(settled, $"before {before}, after {Count()} (fds, pidfds, inotify watches)");
    }

    [Fact]
    public async Task ExitByItself_FiftyTimes_DescriptorsPidfdsAndWatchesReturn()
    {
        var spec = SupervisorHarness.Shell("bot", "sleep 0.05; exit 3", startSeconds: 0.01);
        await StartAndAwaitExitAsync(spec);
        var before = Count();

        for (var i = 0; i < 50; i++)
        {
            await StartAndAwaitExitAsync(spec);
        }

        var settled = await SupervisorHarness.EventuallyAsync(
            () => NoMoreThan(before), SupervisorHarness.Patience);
        Assert.True(settled, $"before {before}, after {Count()} (fds, pidfds, inotify watches)");
    }

    [Fact]
    public async Task CloneForgottenWhileRunning_FiftyTimes_DescriptorsPidfdsAndWatchesReturn()
    {
        var spec = SupervisorHarness.Shell("bot", "exec sleep 1000", startSeconds: 0.05);
        await StartAndForgetAsync(spec, "warm");
        var before = Count();

        for (var i = 0; i < 50; i++)
        {
            await StartAndForgetAsync(spec, $"gone{i}");
        }

        var settled = await SupervisorHarness.EventuallyAsync(
            () => NoMoreThan(before), SupervisorHarness.Patience);
        Assert.True(settled, $"before {before}, after {Count()} (fds, pidfds, inotify watches)");
    }

    private async Task StartAndAwaitExitAsync(ComponentSpec spec)
    {
        var started = await _harness.StartAsync(spec);
        Assert.Equal(ComponentState.Starting, started.State);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Current("bot1", "bot").State == ComponentState.Exited,
            SupervisorHarness.Patience), "the component did not exit");
    }

    private async Task StartAndForgetAsync(ComponentSpec spec, string name)
    {
        var clone = _harness.NewClone(name);
        var started = await _harness.Supervisor.StartAsync(clone, spec, CancellationToken.None);
        Assert.Equal(ComponentState.Starting, started.State);
        await _harness.Supervisor.ForgetAsync(name, CancellationToken.None);
        Assert.DoesNotContain(ProcFs.All(), s => s.ProcessGroup == started.Pid);
    }

    private async Task StartAndStopAsync(ComponentSpec spec)
    {
        var started = await _harness.StartAsync(spec);
        Assert.Equal(ComponentState.Starting, started.State);
        var stopped = await _harness.StopAsync(spec);
        Assert.Equal(ComponentState.Stopped, stopped.State);
    }

    /// <summary>
    /// Nothing grew: the same pidfds and inotify watches, and no more descriptors (fewer is
    /// fine: a finalizer of an earlier test may close one meanwhile).
    /// </summary>
    private static bool NoMoreThan((int Fds, int Pidfds, int Watches) before)
    {
        var now = Count();
        return now.Fds <= before.Fds && now.Pidfds == before.Pidfds
            && now.Watches == before.Watches;
    }

    private static (int Fds, int Pidfds, int Watches) Count()
    {
        var fds = 0;
        var pidfds = 0;
        var watches = 0;
        foreach (var text in FdInfo.OfThisProcess())
        {
            fds++;
            pidfds += text.Contains("\nPid:\t", StringComparison.Ordinal) ? 1 : 0;
            watches += text.Split('\n')
                .Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal));
        }

        return (fds, pidfds, watches);
    }
}
