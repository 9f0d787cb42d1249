using Cloner.Domain.Clones;
using Cloner.Domain.Provisioning;
using Cloner.Tests.Fakes;

namespace Cloner.Tests.Recovery;

/// <summary>
/// A delete whose reload failed keeps the clone's route in its record, so the next delete
/// reloads nginx although the vhost file is gone already: a running nginx that missed the
/// first reload would otherwise keep routing to a clone that no longer exists.
/// </summary>
public sealed class NginxReloadOwedTests
{
    [Fact]
    public async Task Delete_ReloadFailedThenDeleteAgain_ReloadsTheSecondTimeAndForgets()
    {
        var cloner = new FakeCloner();
        await cloner.CreateAsync();
        var reloadsAfterCreate = cloner.World.Reloads;
        cloner.World.FailAt = Steps.Reload;

        var failed = await cloner.Service.DeleteAsync("bot1", default);

        Assert.Equal(Steps.Reload, failed.FailedStep);
        Assert.False(cloner.World.Vhosts.ContainsKey("bot1"));
        var kept = Assert.IsType<Clone>(await cloner.Store.FindAsync("bot1", default));
        Assert.Equal(CloneStatus.Failed, kept.Status);
        Assert.True(kept.Made.Route, "the record forgot its route before nginx reloaded");
        Assert.Contains("reload", kept.StatusReason, StringComparison.Ordinal);

        cloner.World.FailAt = null;
        var again = await cloner.Service.DeleteAsync("bot1", default);

        Assert.Null(again.FailedStep);
        Assert.Equal(reloadsAfterCreate + 2, cloner.World.Reloads);
        Assert.Contains(again.Steps,
            e => e.Step == Steps.Reload && e.Kind == StepEventKind.Succeeded);
        Assert.Null(await cloner.Store.FindAsync("bot1", default));
    }

    [Fact]
    public async Task Delete_RouteNeverInstalled_ReloadSkippedWithTheReason()
    {
        var cloner = new FakeCloner();
        cloner.World.RouteNotConfigured = "Cloner:Nginx:VhostsDir is not set";
        await cloner.CreateAsync();
        var reloadsAfterCreate = cloner.World.Reloads;

        var outcome = await cloner.Service.DeleteAsync("bot1", default);

        Assert.Null(outcome.FailedStep);
        Assert.Equal(reloadsAfterCreate, cloner.World.Reloads);
        var reload = Assert.Single(outcome.Steps,
            e => e.Step == Steps.Reload && e.Kind == StepEventKind.Skipped);
        Assert.Contains("nothing to unload", reload.Message, StringComparison.Ordinal);
    }
}
