using Bunit;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Processes;
using Cloner.Tests.Web.Components.Fakes;
using Cloner.Web.Components.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Web.Components;

/// <summary>The logs disk's warning at the head of the clone list and of a clone's page.</summary>
public sealed class LogDiskAlertTests : DashboardContext
{
    private const string Folder = "/srv/cloner/data/logs";

    private readonly ResourceMonitor _monitor;

    /// <summary>A real monitor of a supervisor that runs nothing; tests set its state.</summary>
    public LogDiskAlertTests()
    {
        var options = new ClonerOptions
        {
            DataDir = "/nonexistent/cloner/data",
            ClonesRoot = "/nonexistent/cloner/bots",
            BlueprintsDir = "/nonexistent/cloner/blueprints",
        };
        var supervisor = new ProcessSupervisor(options, Store, Folders, Feed, TimeProvider.System,
            NullLogger<ProcessSupervisor>.Instance);
        _monitor = new ResourceMonitor(supervisor, Feed, TimeProvider.System,
            NullLogger<ResourceMonitor>.Instance);
        Services.AddSingleton(_monitor);
    }

    [Fact]
    public async Task CloneList_LogsDiskFullThenRoom_WarningNamesFolderThenGoesAway()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        _monitor.LogDisk = new LogDiskState(Folder, 12 * 1024, IsFull: true);

        var page = Render<CloneList>();

        page.WaitForAssertion(() =>
        {
            var alert = page.Find("[data-testid=logs-disk-full]").TextContent;
            Assert.Contains($"the logs disk ({Folder}) is full (12 KiB free)", alert);
            Assert.Contains($"free space under {Folder}", alert);
        });
        _monitor.LogDisk = new LogDiskState(Folder, 50L * 1024 * 1024, IsFull: false);
        page.WaitForAssertion(
            () => Assert.Empty(page.FindAll("[data-testid=logs-disk-full]")),
            TimeSpan.FromSeconds(5));
        Assert.NotEmpty(page.FindAll("[data-testid=clone-row-bot1]"));
    }

    [Fact]
    public async Task ClonePage_LogsDiskFull_ShowsWarning()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        _monitor.LogDisk = new LogDiskState(Folder, 0, IsFull: true);

        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));

        page.WaitForAssertion(() => Assert.Contains("is full (0 KiB free)",
            page.Find("[data-testid=logs-disk-full]").TextContent));
    }

    [Fact]
    public async Task CloneList_LogsDiskHasRoom_NoWarning()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        _monitor.LogDisk = new LogDiskState(Folder, 2 * LogRelay.BufferBytes, IsFull: false);

        var page = Render<CloneList>();

        page.WaitForAssertion(
            () => Assert.NotEmpty(page.FindAll("[data-testid=clone-row-bot1]")));
        Assert.Empty(page.FindAll("[data-testid=logs-disk-full]"));
    }
}
