using Cloner.Domain.Blueprints;
using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// Real processes and real svlogd relays: a relay killed while its component keeps running
/// (an operator's kill -9, the OOM killer) loses that component's output from then on, and
/// the component's state says so instead of a plain Running.
/// </summary>
public sealed class RelayKilledTests : IAsyncLifetime
{
    // Ignores SIGPIPE the way the sample bot does, so it outlives the reader of its stdout.
    private const string Ticker =
        "trap '' PIPE; i=0; while true; do echo \"tick $i\"; i=$((i+1)); sleep 0.1; done";

    private readonly SupervisorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task OutRelayKilled_ComponentKeepsRunning_MessageSaysOutputIsLost()
    {
        var spec = SupervisorHarness.Shell("bot", Ticker, RestartPolicy.OnFailure);
        var started = await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Record()?.State == ComponentState.Running, SupervisorHarness.Patience));
        var relay = OutRelay(_harness);

        ProcFs.SignalGroup(relay, ProcFs.SigKill);

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Record()?.Message is not null, SupervisorHarness.Patience),
            "a component whose stdout relay was killed still showed no message");
        var record = Record()!;
        Assert.Equal(ComponentState.Running, record.State);
        Assert.Equal(started.Pid, record.Pid);
        Assert.Contains("stdout log relay", record.Message, StringComparison.Ordinal);
        Assert.Contains("restart", record.Message, StringComparison.Ordinal);

        await _harness.StopAsync(spec);
        var restarted = await _harness.StartAsync(spec);
        Assert.Null(restarted.Message);
    }

    [Fact]
    public async Task ErrRelayKilledAfterOutRelay_MessageNamesBothRelays()
    {
        var spec = SupervisorHarness.Shell("bot", Ticker, RestartPolicy.OnFailure);
        await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Record()?.State == ComponentState.Running, SupervisorHarness.Patience));
        ProcFs.SignalGroup(OutRelay(_harness), ProcFs.SigKill);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Record()?.Message?.Contains("stdout log relay") == true,
            SupervisorHarness.Patience), $"message: {Record()?.Message}");

        ProcFs.SignalGroup(Relay(_harness, "err"), ProcFs.SigKill);

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Record()?.Message?.Contains("stdout and stderr log relays") == true,
            SupervisorHarness.Patience), $"message after the second kill: {Record()?.Message}");
        Assert.Equal(ComponentState.Running, Record()!.State);
        await _harness.StopAsync(spec);
    }

    [Fact]
    public async Task ComponentExits_RelaysEndAtEof_NoRelayMessage()
    {
        var spec = SupervisorHarness.Shell("bot", "echo hi; sleep 1.5; exit 3");
        await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Record()?.State == ComponentState.Exited, SupervisorHarness.Patience));

        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var record = Record()!;
        Assert.Equal(ComponentState.Exited, record.State);
        Assert.DoesNotContain("log relay", record.Message ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_RelayKilledWhileNoSupervisorRan_AdoptedWithMessage()
    {
        var spec = SupervisorHarness.Shell("bot", Ticker, RestartPolicy.OnFailure);
        var first = new SupervisorHarness(stopOnShutdown: false);
        var started = await first.StartAsync(spec);
        try
        {
            Assert.True(await SupervisorHarness.EventuallyAsync(
                () => first.Store.Find("bot1", "bot")?.State == ComponentState.Running,
                SupervisorHarness.Patience));
            await first.Supervisor.DisposeAsync();
            ProcFs.SignalGroup(OutRelay(first), ProcFs.SigKill);
            await Task.Delay(TimeSpan.FromMilliseconds(300));

            await using var second = new SupervisorHarness(first.Root, first.Store);
            await second.ReconcileAsync(spec);

            Assert.True(await SupervisorHarness.EventuallyAsync(
                () => second.Supervisor.Current("bot1", "bot").Message is not null,
                SupervisorHarness.Patience),
                "a re-adopted run without its relay showed no message");
            var adopted = second.Supervisor.Current("bot1", "bot");
            Assert.Equal(ComponentState.Running, adopted.State);
            Assert.Equal(started.Pid, adopted.Pid);
            Assert.Contains("stdout log relay", adopted.Message, StringComparison.Ordinal);
            await second.StopAsync(spec);
        }
        finally
        {
            ProcFs.SignalGroup(started.Pid!.Value, ProcFs.SigKill);
            await first.DisposeAsync();
        }
    }

    private ComponentRecord? Record() => _harness.Store.Find("bot1", "bot");

    private static int OutRelay(SupervisorHarness harness) => Relay(harness, "out");

    private static int Relay(SupervisorHarness harness, string stream)
    {
        var folder = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(
            harness.Supervisor.LogFilePath("bot1", "bot"))!)!, stream);
        return ProcFs.All()
            .Single(s => s.Comm == "svlogd" && !s.IsZombie
                && ProcFs.CommandLine(s.Pid) is { } line
                && line.EndsWith(" " + folder, StringComparison.Ordinal))
            .Pid;
    }
}
