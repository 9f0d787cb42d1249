using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// Real processes: a component holds Cloner's descriptors on its relay files only while it
/// runs, and following them again after a stop neither loses nor repeats a line in the ring.
/// </summary>
public sealed class ComponentLogReleaseTests : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task StopThenStart_RelayFiles_HeldOnlyWhileRunningEachLineOnceInRing()
    {
        var spec = SupervisorHarness.Shell("talker", "echo hello; echo oops >&2; sleep 30");
        var folder = Path.GetDirectoryName(
            Path.GetDirectoryName(_harness.Supervisor.LogFilePath("bot1", "talker")))!;

        await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Count("hello") == 1 && HeldUnder(folder) == 2, TimeSpan.FromSeconds(10)),
            $"first run: {Count("hello")} hello lines, {HeldUnder(folder)} files held");

        var stopped = await _harness.StopAsync(spec);
        Assert.Equal(ComponentState.Stopped, stopped.State);
        Assert.Equal(0, HeldUnder(folder));

        await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Count("hello") == 2 && Count("oops") == 2 && HeldUnder(folder) == 2,
            TimeSpan.FromSeconds(10)),
            $"second run: {Count("hello")} hello, {Count("oops")} oops lines, "
            + $"{HeldUnder(folder)} files held");
        await _harness.StopAsync(spec);
    }

    private int Count(string text) =>
        _harness.Supervisor.Tail("bot1", "talker", 1000).Count(l => l.Text == text);

    /// <summary>This process's descriptors on files under <paramref name="folder"/>.</summary>
    private static int HeldUnder(string folder) => OpenFiles.TargetsUnder(folder)!.Count;
}
