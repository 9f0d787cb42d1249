using System.Diagnostics;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>Real processes: how a stop ends a component's whole process group.</summary>
public sealed class StopTests : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Stop_ComponentIgnoresSigterm_KilledAfterTimeoutAndNoneOfGroupLeft()
    {
        var spec = SupervisorHarness.Shell("bot", "trap '' TERM; sleep 1000", stopSeconds: 1.5);
        var started = await _harness.StartAsync(spec);
        var group = started.Pid!.Value;
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => SupervisorHarness.GroupMembers(group).Count == 2, SupervisorHarness.Patience));

        var watch = Stopwatch.StartNew();
        var stopped = await _harness.StopAsync(spec);

        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.4), $"stopped after {watch.Elapsed}");
        Assert.Equal(ComponentState.Stopped, stopped.State);
        Assert.Equal(137, stopped.ExitCode);
        Assert.Contains("SIGTERM", stopped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ProcFs.All(), s => s.ProcessGroup == group);
    }

    [Fact]
    public async Task Stop_ComponentForkedChild_NoProcessLeft()
    {
        var spec = SupervisorHarness.Shell("vk", "sleep 1000 & sleep 1000");
        var started = await _harness.StartAsync(spec);
        var group = started.Pid!.Value;
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => SupervisorHarness.GroupMembers(group).Count == 3, SupervisorHarness.Patience));
        var members = SupervisorHarness.GroupMembers(group).Select(s => s.Pid).ToList();

        var stopped = await _harness.StopAsync(spec);

        // No message means SIGTERM was enough and no SIGKILL was needed.
        Assert.Null(stopped.Message);
        Assert.Equal(ComponentState.Stopped, stopped.State);
        Assert.Null(stopped.Pid);
        Assert.DoesNotContain(ProcFs.All(),
            s => s.ProcessGroup == group || members.Contains(s.Pid));
    }

    [Fact]
    public async Task Start_LaunchedThroughSetsid_LeadsOwnGroupWithCloneEnvironment()
    {
        _harness.Folders.Env.Add(new("GREETING", "hello from env"));
        Environment.SetEnvironmentVariable("Cloner__ProcessTests__Secret", "must-not-leak");
        var spec = SupervisorHarness.Shell("env",
            "echo \"$GREETING|$CLONER_CLONE|$CLONER_COMPONENT|"
            + "${Cloner__ProcessTests__Secret:-none}|$(pwd)\"; "
            + "sleep 1000");

        var started = await _harness.StartAsync(spec);
        var pid = started.Pid!.Value;
        var stat = ProcFs.Stat(pid);

        Assert.NotNull(stat);
        Assert.Equal(pid, stat.ProcessGroup);
        Assert.Equal(pid, stat.Session);
        Assert.Equal(stat.StartTicks, started.ProcessStartTicks);
        Assert.Equal(ProcFs.CommandLine(pid), started.CommandLine);
        Assert.StartsWith("/usr/bin/sh -c", started.CommandLine, StringComparison.Ordinal);
        Assert.Equal(ComponentState.Starting, started.State);
        Assert.True(started.WantedRunning);

        var expected = $"hello from env|bot1|env|none|{_harness.Clone.Folder}";
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Tail("bot1", "env", 100).Any(l => l.Text == expected),
            SupervisorHarness.Patience),
            string.Join(" / ", _harness.Supervisor.Tail("bot1", "env", 100).Select(l => l.Text)));
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Current("bot1", "env").State == ComponentState.Running,
            SupervisorHarness.Patience));
        Assert.Equal(ComponentState.Running, _harness.Store.Find("bot1", "env")!.State);
    }

    [Fact]
    public async Task Start_Twice_OneProcess()
    {
        var spec = new ComponentSpec { Name = "once", Command = "sleep", Args = ["1000"] };

        var both = await Task.WhenAll(
            _harness.StartAsync(spec),
            _harness.StartAsync(spec));
        var again = await _harness.StartAsync(spec);

        Assert.Equal(both[0].Pid, both[1].Pid);
        Assert.Equal(both[0].Pid, again.Pid);
        var marked = ProcFs.All().Where(s => !s.IsZombie
            && ProcFs.EnvironmentValue(s.Pid, ProcessSupervisor.DataDirVariable)
                == _harness.Options.DataDir
            && ProcFs.EnvironmentValue(s.Pid, "CLONER_COMPONENT") == "once");
        Assert.Equal(both[0].Pid, Assert.Single(marked).Pid);
    }

    [Fact]
    public async Task Stop_NeverStarted_SucceedsAndWritesNothing()
    {
        var spec = SupervisorHarness.Shell("idle", "sleep 1000");

        var stopped = await _harness.StopAsync(spec);

        Assert.Equal(ComponentState.Stopped, stopped.State);
        Assert.Empty(_harness.Store.Writes);
    }

    [Fact]
    public async Task Start_CommandNotOnPath_FatalWithMessage()
    {
        var spec = new ComponentSpec { Name = "ghost", Command = "no-such-command-xyz" };

        var record = await _harness.StartAsync(spec);

        Assert.Equal(ComponentState.Fatal, record.State);
        Assert.Contains("'no-such-command-xyz'", record.Message, StringComparison.Ordinal);
        Assert.Contains("PATH", record.Message, StringComparison.Ordinal);
        Assert.Equal(ComponentState.Fatal, _harness.Store.Find("bot1", "ghost")!.State);
    }
}
