using System.Diagnostics;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// Real processes: a second supervisor (a restarted Cloner) meets what the first left running.
/// </summary>
public sealed class ReconcileTests : IAsyncLifetime
{
    private readonly SupervisorHarness _first = new(stopOnShutdown: false);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task Reconcile_RecordedProcessStillSame_ReadoptedAndStoppable()
    {
        var spec = SupervisorHarness.Shell("bot", "sleep 1000", RestartPolicy.OnFailure);
        var started = await _first.StartAsync(spec);
        await _first.Supervisor.DisposeAsync();
        await using var second = new SupervisorHarness(_first.Root, _first.Store);

        await second.ReconcileAsync(spec);

        var adopted = second.Supervisor.Current("bot1", "bot");
        Assert.Equal(ComponentState.Running, adopted.State);
        Assert.Equal(started.Pid, adopted.Pid);
        Assert.Equal(started.ProcessStartTicks, adopted.ProcessStartTicks);

        var stopped = await second.StopAsync(spec);
        Assert.Equal(ComponentState.Stopped, stopped.State);
        Assert.Empty(SupervisorHarness.GroupMembers(started.Pid!.Value));
    }

    [Theory]
    [InlineData("sleep 0.2; exec sleep 1000")]
    [InlineData("sleep 1.5; exec sleep 1000")]
    public async Task Reconcile_WrapperThatExecd_ReadoptedNotStartedTwice(string script)
    {
        // Like a pyenv shim: the command is a script that execs the real program, before the
        // component is Running (the first case) or after (the second).
        var spec = SupervisorHarness.Shell("bot", script, RestartPolicy.OnFailure, startSeconds: 1);
        var started = await _first.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => ProcFs.CommandLine(started.Pid!.Value) == "sleep 1000",
            SupervisorHarness.Patience));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await _first.Supervisor.DisposeAsync();
        await using var second = new SupervisorHarness(_first.Root, _first.Store);

        await second.ReconcileAsync(spec);

        var adopted = second.Supervisor.Current("bot1", "bot");
        Assert.Equal(started.Pid, adopted.Pid);
        Assert.Equal(ComponentState.Running, adopted.State);
        Assert.Single(SupervisorHarness.GroupMembers(started.Pid!.Value));
        await second.StopAsync(spec);
        Assert.Empty(SupervisorHarness.GroupMembers(started.Pid!.Value));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reconcile_AdoptedProcessKilled_SeenExited(bool forcePolling)
    {
        PidWatch.ForcePolling = forcePolling;
        var spec = SupervisorHarness.Shell("vk", "sleep 1000");
        var started = await _first.StartAsync(spec);
        await _first.Supervisor.DisposeAsync();
        await using var second = new SupervisorHarness(_first.Root, _first.Store);
        await second.ReconcileAsync(spec);

        using (var kill = Process.Start("kill", ["-9", $"{started.Pid}"]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => second.Supervisor.Current("bot1", "vk").State == ComponentState.Exited,
            SupervisorHarness.Patience));
        Assert.Null(second.Supervisor.Current("bot1", "vk").ExitCode);
    }

    [Fact]
    public async Task Reconcile_RecordedPidGoneButWanted_StartedAgain()
    {
        var spec = SupervisorHarness.Shell("billing", "sleep 1000", RestartPolicy.OnFailure);
        var stale = new ComponentRecord
        {
            CloneName = "bot1",
            Component = "billing",
            State = ComponentState.Running,
            WantedRunning = true,
            Pid = Environment.ProcessId,
            ProcessStartTicks = 1, // our own pid, but not our start ticks: not the same process
            CommandLine = "sh -c sleep 1000",
        };
        await _first.Store.UpsertAsync(stale, CancellationToken.None);

        await _first.ReconcileAsync(spec);

        var current = _first.Supervisor.Current("bot1", "billing");
        Assert.Equal(ComponentState.Starting, current.State);
        Assert.NotEqual(Environment.ProcessId, current.Pid);
        Assert.Equal(current.Pid, ProcFs.Stat(current.Pid!.Value)!.ProcessGroup);
        await _first.StopAsync(spec);
    }

    [Fact]
    public async Task Reconcile_AutostartWithoutRecord_Started()
    {
        var spec = SupervisorHarness.Shell("ws", "sleep 1000") with { Autostart = true };

        await _first.ReconcileAsync(spec);

        Assert.Equal(ComponentState.Starting, _first.Supervisor.Current("bot1", "ws").State);
        await _first.StopAsync(spec);
    }

    [Fact]
    public async Task Reconcile_MarkedProcessNoRecordOwns_Stopped()
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in new[] { "sleep", "1000" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["CLONER_CLONE"] = "bot9";
        start.Environment[ProcessSupervisor.DataDirVariable] = _first.Options.DataDir;
        using var stray = Process.Start(start)!;
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => ProcFs.Stat(stray.Id)?.ProcessGroup == stray.Id, SupervisorHarness.Patience));

        await _first.Supervisor.ReconcileAsync([], CancellationToken.None);

        Assert.True(stray.WaitForExit(SupervisorHarness.Patience), "the stray process still runs");
        Assert.Equal(128 + ProcFs.SigTerm, stray.ExitCode);
    }
}
