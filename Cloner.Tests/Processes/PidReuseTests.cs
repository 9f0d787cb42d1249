using System.Diagnostics;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// Real processes: a stored record names a pid that now belongs to a process the supervisor
/// never started (the kernel reused the pid while no Cloner ran). The next Cloner must not
/// take that process for the component, and must never signal it or its group.
/// </summary>
public sealed class PidReuseTests : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new();
    private Process? _unrelated;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        if (_unrelated is { HasExited: false })
        {
            _unrelated.Kill();
            await _unrelated.WaitForExitAsync();
        }

        _unrelated?.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reconcile_PidReusedByUnrelatedProcess_NotAdoptedNeverSignalled(bool wanted)
    {
        // In its own session and group like a component, and with the very command line the
        // record names: only the start ticks tell it apart from the recorded process.
        _unrelated = StartUnrelated();
        var pid = _unrelated.Id;
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => ProcFs.Stat(pid)?.ProcessGroup == pid
                && ProcFs.CommandLine(pid) == "sleep 1000",
            SupervisorHarness.Patience), "the unrelated sleep did not get its own group");
        var ticks = ProcFs.Stat(pid)!.StartTicks;
        var spec = SupervisorHarness.Shell("vk", "sleep 1000", RestartPolicy.OnFailure) with
        {
            Command = "sleep",
            Args = ["1000"],
        };
        await _harness.Store.UpsertAsync(new ComponentRecord
        {
            CloneName = "bot1",
            Component = "vk",
            State = ComponentState.Running,
            WantedRunning = wanted,
            Pid = pid,
            ProcessStartTicks = ticks - 1,
            CommandLine = "sleep 1000",
            StartedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
        }, CancellationToken.None);

        await _harness.ReconcileAsync(spec);

        var current = _harness.Supervisor.Current("bot1", "vk");
        Assert.NotEqual(pid, current.Pid);
        if (wanted)
        {
            Assert.Equal(ComponentState.Starting, current.State);
            Assert.NotNull(current.Pid);
            Assert.Equal(current.Pid, ProcFs.Stat(current.Pid!.Value)!.ProcessGroup);
            var stopped = await _harness.StopAsync(spec);
            Assert.Equal(ComponentState.Stopped, stopped.State);
        }
        else
        {
            Assert.Equal(ComponentState.Stopped, current.State);
            Assert.Null(current.Pid);
        }

        // Give a wrongly adopted run's watcher or a stop's SIGKILL time to show, and end the
        // supervisor as a Cloner shutdown that stops its components would.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await _harness.Supervisor.DisposeAsync();

        var after = ProcFs.Stat(pid);
        Assert.NotNull(after);
        Assert.Equal(ticks, after.StartTicks);
        Assert.Equal('S', after.State);
        Assert.False(_unrelated.HasExited, "the unrelated process was ended");
        Assert.DoesNotContain(_harness.Store.Writes.Skip(1), w => w.Pid == pid);
    }

    private static Process StartUnrelated()
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        start.ArgumentList.Add("sleep");
        start.ArgumentList.Add("1000");
        return Process.Start(start)
            ?? throw new InvalidOperationException("setsid sleep 1000 did not start");
    }
}
