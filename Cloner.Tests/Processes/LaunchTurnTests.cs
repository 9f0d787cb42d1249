using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// The supervisor's launch turn, which starts take one at a time for the open-file check and
/// the opening of their descriptors: a stop of a component whose start waits for the turn
/// takes the start's place, and a slow stop of one component does not hold up a start of
/// another. The turn is held by the test, as a slow launch would hold it.
/// </summary>
public sealed class LaunchTurnTests : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Stop_StartWaitsForTheTurn_StopAnswersAtOnceStartGivesUpNothingSpawned()
    {
        var spec = SupervisorHarness.Shell("bot", "sleep 30");
        Task<ComponentRecord> start;
        Task<ComponentRecord> stop;
        using (await _harness.Supervisor.TakeLaunchTurnAsync())
        {
            start = _harness.StartAsync(spec);
            Assert.True(await SupervisorHarness.EventuallyAsync(
                () => _harness.Supervisor.StartsWaitingForTurn == 1, SupervisorHarness.Patience),
                "the start did not come to wait for the launch turn");

            stop = _harness.StopAsync(spec);

            var stopped = await stop.WaitAsync(SupervisorHarness.Patience);
            var given = await start.WaitAsync(SupervisorHarness.Patience);
            Assert.Equal(ComponentState.Stopped, stopped.State);
            Assert.False(stopped.WantedRunning);
            Assert.Null(given.Pid);
            Assert.Equal(ComponentState.Stopped, given.State);
            Assert.Equal(0, _harness.Supervisor.StartsWaitingForTurn);
        }

        Assert.Empty(ProcessesOf(spec.Name));
        Assert.Contains(_harness.Supervisor.Tail(_harness.Clone.Name, spec.Name, 10),
            line => line.Text.Contains("start given up", StringComparison.Ordinal));
        var later = await _harness.StartAsync(spec);
        Assert.NotNull(later.Pid);
        Assert.Equal(ComponentState.Starting, later.State);
    }

    [Fact]
    public async Task Start_AnotherComponentStopsSlowly_StartDoesNotWaitForThatStop()
    {
        var release = Path.Combine(_harness.Root, "release");
        var slow = SupervisorHarness.Shell("slow",
            $"trap 'while [ ! -e {release} ]; do sleep 0.05; done; exit 0' TERM; "
            + "while true; do sleep 0.2; done", stopSeconds: 60);
        var quick = SupervisorHarness.Shell("quick", "sleep 30");
        await _harness.StartAsync(slow);
        var stop = _harness.StopAsync(slow);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Current(_harness.Clone.Name, slow.Name).State
                == ComponentState.Stopping, SupervisorHarness.Patience),
            "the slow component did not come to Stopping");

        var started = await _harness.StartAsync(quick).WaitAsync(SupervisorHarness.Patience);

        Assert.NotNull(started.Pid);
        Assert.False(stop.IsCompleted, "the slow stop ended before its release file was there");
        await File.WriteAllTextAsync(release, "");
        var stopped = await stop.WaitAsync(SupervisorHarness.Patience);
        Assert.Equal(ComponentState.Stopped, stopped.State);
    }

    /// <summary>Live processes with this component's and this harness's markers.</summary>
    private List<int> ProcessesOf(string component) =>
        ProcFs.All()
            .Where(s => !s.IsZombie
                && ProcFs.EnvironmentValue(s.Pid, "CLONER_COMPONENT") == component
                && ProcFs.EnvironmentValue(s.Pid, ProcessSupervisor.DataDirVariable)
                    == _harness.Options.DataDir)
            .Select(s => s.Pid)
            .ToList();
}
