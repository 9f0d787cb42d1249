using System.Collections.Concurrent;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;
using Microsoft.Extensions.Time.Testing;

namespace Cloner.Tests.Processes;

/// <summary>Real processes: what happens when a component ends by itself.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    /// <summary>
    /// Issue 3 asks for Exited within 2 s of a kill -9 from outside. The 2 s are measured from
    /// the signal to the time the supervisor records, so neither this test's waiting nor a
    /// slow spawn of kill is in them; ExitLatencyBenchmark measures the latency itself.
    /// </summary>
    [Fact]
    public async Task Exit_KilledFromOutside_ExitedOnceWith137WithinTwoSecondsGroupGone()
    {
        using var feed = _harness.Feed.Subscribe();
        var spec = SupervisorHarness.Shell("bot", "sleep 1000");
        var started = await _harness.StartAsync(spec);

        var killedAt = DateTimeOffset.UtcNow;
        Assert.True(ProcFs.SignalProcess(started.Pid!.Value, ProcFs.SigKill));

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Current("bot1", "bot").State == ComponentState.Exited,
            SupervisorHarness.Patience),
            $"state {_harness.Supervisor.Current("bot1", "bot").State}");
        var exited = ReadAll(feed).OfType<ComponentChanged>()
            .Single(c => c.Record.State == ComponentState.Exited).Record;
        Assert.Equal(137, exited.ExitCode);
        var took = exited.UpdatedAt - killedAt;
        Assert.True(took < TimeSpan.FromSeconds(2), $"Exited came {took.TotalSeconds:0.00} s late");
        var record = _harness.Store.Find("bot1", "bot")!;
        Assert.Equal(ComponentState.Exited, record.State);
        Assert.Equal(137, record.ExitCode);
        Assert.Empty(SupervisorHarness.GroupMembers(started.Pid.Value));
    }

    [Fact]
    public async Task Restart_ByHand_WantedRunningInEveryWriteSoACrashMidwayStartsItAgain()
    {
        var spec = SupervisorHarness.Shell("bot", "trap 'sleep 0.3; exit 0' TERM; "
            + "while :; do sleep 0.1; done");
        var first = await _harness.StartAsync(spec);
        _harness.Store.Writes.Clear();

        var restarted = await _harness.Supervisor.RestartAsync(
            _harness.Clone, spec, CancellationToken.None);

        var writes = _harness.Store.Writes.ToList();
        Assert.Contains(writes, w => w.State == ComponentState.Stopping);
        Assert.Contains(writes, w => w.State == ComponentState.Stopped);
        Assert.All(writes, w => Assert.True(w.WantedRunning,
            $"a {w.State} write of the restart is not wanted running"));
        Assert.Equal(ComponentState.Starting, restarted.State);
        Assert.NotEqual(first.Pid, restarted.Pid);
        Assert.Empty(SupervisorHarness.GroupMembers(first.Pid!.Value));
    }

    /// <summary>
    /// The backoff runs on fake time, so the delays are checked exactly however slow the
    /// machine is; the processes, their exits and the relays are real.
    /// </summary>
    [Fact]
    public async Task Exit_OneAtOnce_RestartedWithGrowingDelaysThenFatalAfterFive()
    {
        var time = new WatchedTime();
        await using var harness = new SupervisorHarness(time: time);
        using var feed = harness.Feed.Subscribe();
        var spec = SupervisorHarness.Shell("vk", "exit 1", RestartPolicy.OnFailure,
            startSeconds: 60);

        await harness.StartAsync(spec);
        for (var failures = 1; failures < RestartBackoff.FatalAfter; failures++)
        {
            var delay = RestartBackoff.DelayBefore(failures);
            Assert.True(await SupervisorHarness.EventuallyAsync(
                () => time.Waits.Contains(delay), TimeSpan.FromSeconds(20)),
                $"no wait of {delay.TotalSeconds} s after failure {failures}");
            var waiting = harness.Supervisor.Current("bot1", "vk");
            Assert.Equal(ComponentState.Backoff, waiting.State);
            Assert.Equal(failures - 1, waiting.Restarts);
            Assert.Equal(1, waiting.ExitCode);
            Assert.Contains($"restarting in {delay.TotalSeconds:0.##} s", waiting.Message,
                StringComparison.Ordinal);

            time.Advance(delay - TimeSpan.FromMilliseconds(1));
            await Task.Delay(100);
            Assert.Equal(failures - 1, harness.Supervisor.Current("bot1", "vk").Restarts);

            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(await SupervisorHarness.EventuallyAsync(
                () => harness.Supervisor.Current("bot1", "vk").Restarts == failures,
                TimeSpan.FromSeconds(20)), $"restart {failures} did not come at {delay}");
        }

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => harness.Supervisor.Current("bot1", "vk").State == ComponentState.Fatal,
            TimeSpan.FromSeconds(20)));
        var starts = ReadAll(feed).OfType<ComponentChanged>()
            .Where(c => c.Record.State == ComponentState.Starting)
            .Select(c => c.Record.UpdatedAt).ToList();
        var gaps = starts.Zip(starts.Skip(1), (a, b) => b - a).ToList();
        Assert.Equal(
            Enumerable.Range(1, RestartBackoff.FatalAfter - 1).Select(RestartBackoff.DelayBefore),
            gaps);
        var fatal = harness.Store.Find("bot1", "vk")!;
        Assert.Equal(ComponentState.Fatal, fatal.State);
        Assert.Equal(4, fatal.Restarts);
        Assert.Equal(1, fatal.ExitCode);
        Assert.Contains("5 times", fatal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exit_ZeroUnderOnFailure_StaysExited()
    {
        var spec = SupervisorHarness.Shell("billing", "exit 0", RestartPolicy.OnFailure);

        await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Current("bot1", "billing").State == ComponentState.Exited,
            SupervisorHarness.Patience));
        await Task.Delay(RestartBackoff.First + TimeSpan.FromMilliseconds(500));

        var record = _harness.Supervisor.Current("bot1", "billing");
        Assert.Equal(ComponentState.Exited, record.State);
        Assert.Equal(0, record.ExitCode);
        Assert.Equal(0, record.Restarts);
        Assert.False(record.WantedRunning);
    }

    [Fact]
    public async Task Stop_InBackoff_CancelsPendingRestart()
    {
        var spec = SupervisorHarness.Shell("ws", "exit 3", RestartPolicy.OnFailure);
        await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Current("bot1", "ws").State == ComponentState.Backoff,
            SupervisorHarness.Patience));

        var stopped = await _harness.StopAsync(spec);
        await Task.Delay(RestartBackoff.First + TimeSpan.FromMilliseconds(500));

        Assert.Equal(ComponentState.Stopped, stopped.State);
        Assert.Equal(ComponentState.Stopped, _harness.Supervisor.Current("bot1", "ws").State);
        Assert.False(_harness.Store.Find("bot1", "ws")!.WantedRunning);
    }

    [Fact]
    public async Task Start_WhenFatal_RunsAgainAtOnce()
    {
        var marker = Path.Combine(_harness.Clone.Folder, "healthy");
        var spec = SupervisorHarness.Shell("fixme", $"test -f '{marker}' || exit 2; sleep 1000",
            RestartPolicy.OnFailure);
        await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Current("bot1", "fixme").State == ComponentState.Backoff,
            SupervisorHarness.Patience));

        await File.WriteAllTextAsync(marker, "fixed");
        var started = await _harness.StartAsync(spec);

        Assert.Equal(ComponentState.Starting, started.State);
        Assert.Equal(0, started.Restarts);
        Assert.NotNull(started.Pid);
    }

    private static List<CloneChange> ReadAll(CloneFeedSubscription feed)
    {
        var changes = new List<CloneChange>();
        while (feed.Reader.TryRead(out var change))
        {
            changes.Add(change);
        }

        return changes;
    }
}

/// <summary>Fake time that also tells which waits the code under test has begun.</summary>
internal sealed class WatchedTime : FakeTimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _waits = new();

    public IReadOnlyCollection<TimeSpan> Waits => _waits;

    public override ITimer CreateTimer(
        TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Told only once the timer is set: a test that advances the time as soon as it sees
        // the wait must not do so before the timer counts from now, or it never fires.
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _waits.Enqueue(dueTime);
        return timer;
    }
}
