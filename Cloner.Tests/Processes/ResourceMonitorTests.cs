using Cloner.Domain.Live;
using Cloner.Infrastructure.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Processes;

/// <summary>Real processes: the sampler reads a busy component's group from /proc.</summary>
public sealed class ResourceMonitorTests : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task SampleOnce_BusyComponentWithChild_SumsGroupCpuMemoryAndProcesses()
    {
        var spec = SupervisorHarness.Shell("busy", "sleep 1000 & while :; do :; done");
        await _harness.StartAsync(spec);
        var monitor = new ResourceMonitor(_harness.Supervisor, _harness.Feed, TimeProvider.System,
            NullLogger<ResourceMonitor>.Instance);
        using var feed = _harness.Feed.Subscribe();

        monitor.SampleOnce();
        await Task.Delay(1000);
        monitor.SampleOnce();

        var sample = monitor.Latest("bot1", "busy");
        Assert.NotNull(sample);
        Assert.InRange(sample.CpuPercent, 10, 110);
        Assert.Equal(2, sample.Processes);
        Assert.True(sample.MemoryBytes > 100 * 1024, $"rss {sample.MemoryBytes}");
        Assert.Equal(2, sample.Threads);
        Assert.Equal(2, monitor.History("bot1", "busy").Count);
        // The feed also carries the component's own changes (its log note, Running); the
        // sample must be among them.
        var changes = new List<CloneChange>();
        while (feed.Reader.TryRead(out var change))
        {
            changes.Add(change);
        }

        Assert.Contains(changes, c => c is SampleTaken { Component: "busy" });
        Assert.Null(monitor.Latest("bot1", "other"));
    }
}
