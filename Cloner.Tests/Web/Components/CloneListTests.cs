using Bunit;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Tests.Web.Components.Fakes;
using Cloner.Web.Components.Pages;

namespace Cloner.Tests.Web.Components;

public sealed class CloneListTests : DashboardContext
{
    [Fact]
    public async Task CloneList_TwoClonesInStore_RendersRowPerCloneWithLinkAndPorts()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        await AddReadyCloneAsync("bot2", 2, 8101);

        var page = Render<CloneList>();

        page.WaitForAssertion(() =>
        {
            var row = page.Find("[data-testid=clone-row-bot2]");
            Assert.Contains("ego1", row.TextContent);
            Assert.Contains("http 8101", row.TextContent);
            Assert.Equal("clones/bot2",
                page.Find("[data-testid=clone-link-bot2]").GetAttribute("href"));
            Assert.Equal(2, page.FindAll("[data-testid=clone-row-bot1]").Count);
            Assert.Equal("Stopped", page.Find("[data-testid=component-bot1-vk-state]").TextContent.Trim());
        });
    }

    [Fact]
    public async Task CloneList_ComponentChangedPushed_ShowsNewStateAndPid()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        var page = Render<CloneList>();
        page.WaitForAssertion(() => Assert.Equal("Stopped",
            page.Find("[data-testid=component-bot1-bot-state]").TextContent.Trim()));

        Monitor.Set("bot1", "bot", new ResourceSample(12.5, 48 * 1024 * 1024, 3, 1, DateTimeOffset.UtcNow));
        Supervisor.Set(Supervisor.Current("bot1", "bot") with
        {
            State = ComponentState.Running,
            Pid = 4242,
        });

        page.WaitForAssertion(() =>
        {
            Assert.Equal("Running", page.Find("[data-testid=component-bot1-bot-state]").TextContent.Trim());
            Assert.Equal("4242", page.Find("[data-testid=component-bot1-bot-pid]").TextContent.Trim());
            var row = page.Find("[data-testid=clone-row-bot1]").TextContent;
            Assert.Contains("12.5 %", row);
            Assert.Contains("48.0 MiB", row);
        });
    }

    [Fact]
    public async Task CloneList_StopClicked_StopsComponentAndDisablesStop()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Supervisor.Set(Supervisor.Current("bot1", "bot") with { State = ComponentState.Running, Pid = 77 });
        var page = Render<CloneList>();
        page.WaitForAssertion(() => Assert.Equal("Running",
            page.Find("[data-testid=component-bot1-bot-state]").TextContent.Trim()));

        await page.Find("[data-testid=stop-bot1-bot]").ClickAsync(new());

        Assert.Equal(ComponentState.Stopped, Supervisor.Current("bot1", "bot").State);
        page.WaitForAssertion(() =>
        {
            Assert.Equal("Stopped", page.Find("[data-testid=component-bot1-bot-state]").TextContent.Trim());
            Assert.True(page.Find("[data-testid=stop-bot1-bot]").HasAttribute("disabled"));
            Assert.False(page.Find("[data-testid=start-bot1-bot]").HasAttribute("disabled"));
        });
    }

    [Fact]
    public async Task CloneList_OneClone_RendersTableRowAndPhoneCardWithLargeButtons()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);

        var page = Render<CloneList>();

        page.WaitForAssertion(() =>
        {
            var card = page.Find(".clone-cards [data-testid=clone-row-bot1]");
            Assert.Contains("mud-card", card.ClassName);
            Assert.Contains("size-large",
                card.QuerySelector("[data-testid=start-bot1-bot]")!.ClassName);
            Assert.Equal("TBODY", page.Find(".clone-table [data-testid=clone-row-bot1]").TagName);
        });
    }

    [Fact]
    public async Task CloneList_FilterTyped_ShowsOnlyMatchingClones()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        await AddReadyCloneAsync("shop2", 2, 8101);
        var page = Render<CloneList>();
        page.WaitForAssertion(() => page.Find("[data-testid=clone-row-shop2]"));

        page.Find("input[data-testid=clone-filter], [data-testid=clone-filter] input").Input("SHOP");

        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll("[data-testid=clone-row-bot1]"));
            Assert.NotEmpty(page.FindAll("[data-testid=clone-row-shop2]"));
        });
    }

    [Fact]
    public async Task CloneList_SamplesPushed_UpdatesUsageAndSparklineWithoutReread()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Supervisor.Set(Supervisor.Current("bot1", "bot") with
        {
            State = ComponentState.Running,
            Pid = 90,
            StartedAt = DateTimeOffset.UtcNow.AddMinutes(-3),
        });
        var page = Render<CloneList>();
        page.WaitForAssertion(() => page.Find("[data-testid=clone-row-bot1]"));
        var reads = Store.ListReads;

        var now = DateTimeOffset.UtcNow;
        Feed.Publish(new SampleTaken("bot1", "bot", new ResourceSample(5, 10 << 20, 1, 1, now.AddSeconds(-1))));
        Feed.Publish(new SampleTaken("bot1", "bot", new ResourceSample(33.3, 20 << 20, 1, 1, now)));

        page.WaitForAssertion(() =>
        {
            var row = page.Find(".clone-table [data-testid=clone-row-bot1]").TextContent;
            Assert.Contains("33.3 %", row);
            Assert.Contains("20.0 MiB", row);
            Assert.Contains("3m", row);
            var spark = page.Find(".clone-table [data-testid=spark-bot1-bot-cpu]");
            Assert.Equal("2", spark.GetAttribute("data-points"));
            Assert.NotNull(spark.QuerySelector("polyline"));
        });
        Assert.Equal(reads, Store.ListReads);
    }

    [Fact]
    public async Task CloneList_StateFilterRunning_HidesClonesWithNothingRunning()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        await AddReadyCloneAsync("bot2", 2, 8101);
        Supervisor.Set(Supervisor.Current("bot2", "vk") with { State = ComponentState.Running, Pid = 5 });
        var page = Render<CloneList>();
        page.WaitForAssertion(() => page.Find("[data-testid=clone-row-bot1]"));

        await page.Find("[data-testid=state-filter-running]").ClickAsync(new());

        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll("[data-testid=clone-row-bot1]"));
            Assert.NotEmpty(page.FindAll("[data-testid=clone-row-bot2]"));
        });

        await page.Find("[data-testid=state-filter-stopped]").ClickAsync(new());

        page.WaitForAssertion(() =>
        {
            Assert.NotEmpty(page.FindAll("[data-testid=clone-row-bot1]"));
            Assert.Empty(page.FindAll("[data-testid=clone-row-bot2]"));
        });
    }

    [Fact]
    public async Task CloneList_StartAllThenStopAllConfirmed_RunsEveryComponent()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        var host = RenderWithProviders(b =>
        {
            b.OpenComponent<CloneList>(0);
            b.CloseComponent();
        });
        host.WaitForAssertion(() => host.Find(".clone-table [data-testid=start-all-bot1]"));

        await host.Find(".clone-table [data-testid=start-all-bot1]").ClickAsync(new());

        Assert.Equal(ComponentState.Running, Supervisor.Current("bot1", "bot").State);
        Assert.Equal(ComponentState.Running, Supervisor.Current("bot1", "vk").State);
        host.WaitForAssertion(() =>
        {
            Assert.Contains("bot1: start of 2 components done", host.Markup);
            Assert.False(host.Find(".clone-table [data-testid=stop-all-bot1]").HasAttribute("disabled"));
        });

        var stopping = host.Find(".clone-table [data-testid=stop-all-bot1]").ClickAsync(new());
        host.WaitForAssertion(() => Assert.Contains("Stop every component of bot1", host.Markup));
        Assert.Equal(ComponentState.Running, Supervisor.Current("bot1", "bot").State);
        await host.FindAll(".mud-message-box button").Single(b => b.TextContent.Contains("Stop all"))
            .ClickAsync(new());
        await stopping;

        Assert.Equal(ComponentState.Stopped, Supervisor.Current("bot1", "bot").State);
        Assert.Equal(ComponentState.Stopped, Supervisor.Current("bot1", "vk").State);
        host.WaitForAssertion(() => Assert.Contains("bot1: stop of 2 components done", host.Markup));
    }

    [Fact]
    public async Task CloneList_Disposed_StopsReadingFeed()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        var page = Render<CloneList>();
        page.WaitForAssertion(() => page.Find("[data-testid=clone-row-bot1]"));
        Assert.Equal(1, Feed.SubscriberCount);

        await DisposeComponentsAsync();
        var readsAtDispose = Store.ListReads;
        Feed.Publish(new ComponentChanged(Supervisor.Current("bot1", "bot")));
        await Task.Delay(CloneList.RefreshInterval * 3);

        Assert.Equal(0, Feed.SubscriberCount);
        Assert.Equal(readsAtDispose, Store.ListReads);
    }

    [Fact]
    public async Task CloneList_ComponentStoppedAfterSamples_ShowsNoUsageOrSparkline()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Supervisor.Set(Supervisor.Current("bot1", "bot") with
        {
            State = ComponentState.Running,
            Pid = 9,
        });
        var page = Render<CloneList>();
        page.WaitForAssertion(() => page.Find("[data-testid=clone-row-bot1]"));
        var now = DateTimeOffset.UtcNow;
        Feed.Publish(new SampleTaken("bot1", "bot",
            new ResourceSample(5, 10 << 20, 1, 1, now.AddSeconds(-1))));
        Feed.Publish(new SampleTaken("bot1", "bot",
            new ResourceSample(33.3, 20 << 20, 1, 1, now)));
        page.WaitForAssertion(() => Assert.Contains("33.3 %",
            page.Find(".clone-table [data-testid=clone-row-bot1]").TextContent));

        Supervisor.Set(Supervisor.Current("bot1", "bot") with
        {
            State = ComponentState.Stopped,
            Pid = null,
        });

        page.WaitForAssertion(() =>
        {
            var row = page.Find(".clone-table [data-testid=clone-row-bot1]").TextContent;
            Assert.DoesNotContain("33.3 %", row);
            Assert.DoesNotContain("20.0 MiB", row);
            var spark = page.Find(".clone-table [data-testid=spark-bot1-bot-cpu]");
            Assert.Equal("0", spark.GetAttribute("data-points"));
        });
    }

    [Fact]
    public async Task CloneList_CloneDeleting_DisablesItsCommands()
    {
        await AddCloneAsync("bot1", 1, 8100, CloneStatus.Deleting);
        Supervisor.Set(Supervisor.Current("bot1", "bot") with
        {
            State = ComponentState.Running,
            Pid = 9,
        });

        var page = Render<CloneList>();

        page.WaitForAssertion(() =>
        {
            foreach (var id in new[]
                {
                    ".clone-table [data-testid=stop-bot1-bot]",
                    ".clone-table [data-testid=start-bot1-vk]",
                    ".clone-cards [data-testid=stop-all-bot1]",
                    ".clone-cards [data-testid=start-all-bot1]",
                })
            {
                Assert.True(page.Find(id).HasAttribute("disabled"), id + " is enabled");
            }
        });
    }

    [Fact]
    public async Task CloneList_ComponentFatal_ShowsReasonInTableAndCard()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Supervisor.Set(Supervisor.Current("bot1", "vk") with
        {
            State = ComponentState.Fatal,
            ExitCode = 2,
            Restarts = 5,
            Message = "gave up after 5 restarts",
        });

        var page = Render<CloneList>();

        page.WaitForAssertion(() =>
        {
            foreach (var view in new[] { ".clone-table", ".clone-cards" })
            {
                var problem = page.Find($"{view} [data-testid=component-bot1-vk-problem]");
                Assert.Equal("exit code 2: gave up after 5 restarts", problem.TextContent.Trim());
            }

            Assert.Empty(page.FindAll("[data-testid=component-bot1-bot-problem]"));
        });
    }

    [Fact]
    public async Task CloneList_RestartOfRunningComponent_GivesItANewRun()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Supervisor.Set(Supervisor.Current("bot1", "bot") with
        {
            State = ComponentState.Running,
            Pid = 77,
            StartedAt = DateTimeOffset.UtcNow,
        });
        var page = Render<CloneList>();
        page.WaitForAssertion(() =>
        {
            Assert.False(page.Find(".clone-table [data-testid=restart-bot1-bot]")
                .HasAttribute("disabled"));
            Assert.False(page.Find(".clone-cards [data-testid=restart-bot1-bot]")
                .HasAttribute("disabled"));
        });

        await page.Find(".clone-cards [data-testid=restart-bot1-bot]").ClickAsync(new());

        var restarted = Supervisor.Current("bot1", "bot");
        Assert.Equal(ComponentState.Running, restarted.State);
        Assert.NotEqual(77, restarted.Pid);
    }
}
