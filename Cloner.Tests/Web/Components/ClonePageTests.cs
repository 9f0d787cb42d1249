using Bunit;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Infrastructure.Processes;
using Cloner.Tests.Web.Components.Fakes;
using Cloner.Web.Components.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Cloner.Tests.Web.Components;

public sealed class ClonePageTests : DashboardContext
{
    [Fact]
    public async Task ClonePage_LogLineWithMarkup_ShowsItAsTextAndMarksStderr()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Supervisor.AddLines("bot1", "bot",
            new LogLine(1, DateTimeOffset.UtcNow, false, "hello from bot"),
            new LogLine(2, DateTimeOffset.UtcNow, true, "<b>bold</b><script>x()</script>"));

        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));

        page.WaitForAssertion(() =>
        {
            var log = page.Find("[data-testid=log-bot1-bot]");
            Assert.Contains("<b>bold</b><script>x()</script>", log.TextContent);
            Assert.Empty(log.QuerySelectorAll("b, script"));
            var stderr = Assert.Single(log.QuerySelectorAll("[data-stream=stderr]"));
            Assert.Contains("stderr", stderr.ClassName);
            Assert.Contains("<b>bold</b>", stderr.TextContent);
        });
    }

    [Fact]
    public async Task ClonePage_LogLinesWrittenPushed_AppendsThemOnce()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        var first = new LogLine(1, DateTimeOffset.UtcNow, false, "first line");
        Supervisor.AddLines("bot1", "bot", first);
        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));
        page.WaitForAssertion(() =>
            Assert.Contains("first line", page.Find("[data-testid=log-bot1-bot]").TextContent));

        Feed.Publish(new LogLinesWritten("bot1", "bot",
            [first, new LogLine(2, DateTimeOffset.UtcNow, false, "second line")]));

        page.WaitForAssertion(() =>
        {
            var log = page.Find("[data-testid=log-bot1-bot]");
            Assert.Contains("second line", log.TextContent);
            Assert.Equal(2, log.QuerySelectorAll(".log-line").Length);
        });
    }

    [Fact]
    public async Task ClonePage_LogLineWithAnsiColours_RendersStyledSpansWithoutEscapes()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Supervisor.AddLines("bot1", "bot",
            new LogLine(1, DateTimeOffset.UtcNow, false, "\u001b[1;31mERROR\u001b[0m <i>x</i>"));

        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));

        page.WaitForAssertion(() =>
        {
            var text = page.Find("[data-testid=log-bot1-bot] .log-text");
            var red = text.QuerySelector("span.ansi-fg-1.ansi-bold");
            Assert.NotNull(red);
            Assert.Equal("ERROR", red.TextContent);
            Assert.Equal("ERROR <i>x</i>", text.TextContent);
            Assert.Empty(text.QuerySelectorAll("i"));
            Assert.DoesNotContain("\u001b", page.Markup);
        });
    }

    [Fact]
    public async Task ClonePage_LogLineOverCutMarker_ShowsItAsCut()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Supervisor.AddLines("bot1", "bot",
            new LogLine(1, DateTimeOffset.UtcNow, false, new string('x', 300) + LineFramer.CutMarker));

        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));

        page.WaitForAssertion(() =>
        {
            var line = page.Find("[data-testid=log-bot1-bot] .log-line");
            Assert.NotNull(line.QuerySelector(".log-cut"));
            Assert.DoesNotContain(LineFramer.CutMarker, line.TextContent);
        });
    }

    [Fact]
    public async Task ClonePage_PausedWhileLinesArrive_CountsThemAndShowsThemOnResume()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Supervisor.AddLines("bot1", "bot", new LogLine(1, DateTimeOffset.UtcNow, false, "before"));
        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));
        page.WaitForAssertion(() => page.Find("[data-testid=log-pause]"));

        await page.Find("[data-testid=log-pause]").ClickAsync(new());
        Feed.Publish(new LogLinesWritten("bot1", "bot",
        [
            new LogLine(2, DateTimeOffset.UtcNow, false, "during one"),
            new LogLine(3, DateTimeOffset.UtcNow, false, "during two"),
        ]));

        page.WaitForAssertion(() =>
            Assert.Contains("2 new lines waiting", page.Find("[data-testid=log-status]").TextContent));
        Assert.DoesNotContain("during one", page.Find("[data-testid=log-bot1-bot]").TextContent);

        await page.Find("[data-testid=log-pause]").ClickAsync(new());

        page.WaitForAssertion(() =>
        {
            Assert.Contains("2 lines arrived during the pause",
                page.Find("[data-testid=log-status]").TextContent);
            Assert.Equal(3, page.FindAll("[data-testid=log-bot1-bot] .log-line").Count);
        });
    }

    [Fact]
    public async Task ClonePage_FilterTypedAndAllTab_ShowsMatchingLinesOfEveryComponent()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        var at = DateTimeOffset.UtcNow;
        Supervisor.AddLines("bot1", "bot",
            new LogLine(1, at, false, "bot says hello"),
            new LogLine(2, at.AddSeconds(2), false, "bot says bye"));
        Supervisor.AddLines("bot1", "vk", new LogLine(1, at.AddSeconds(1), true, "vk says hello"));
        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));
        page.WaitForAssertion(() => page.Find("[data-testid=log-bot1-bot]"));

        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "All").Click();
        page.Find("input[data-testid=log-filter], [data-testid=log-filter] input").Input("HELLO");

        page.WaitForAssertion(() =>
        {
            var lines = page.FindAll("[data-testid=log-bot1-all] .log-line");
            Assert.Equal(
                ["bot says hello", "vk says hello"],
                lines.Select(l => l.QuerySelector(".log-text")!.TextContent));
            Assert.Equal("vk", lines[1].QuerySelector(".log-component")!.TextContent);
        });
    }

    [Fact]
    public async Task ClonePage_Disposed_StopsReadingFeedAndLogs()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));
        page.WaitForAssertion(() => page.Find("[data-testid=log-bot1-bot]"));
        Assert.Equal(2, Feed.SubscriberCount);

        await DisposeComponentsAsync();

        Assert.Equal(0, Feed.SubscriberCount);
    }

    [Fact]
    public async Task ClonePage_OpenedWhileCreating_ShowsKeptStepsThenLiveOnes()
    {
        var clone = await AddReadyCloneAsync("bot1", 1, 8100);
        await Store.UpdateAsync(clone with { Status = CloneStatus.Creating }, CancellationToken.None);
        var kept = Step(1, Steps.Reserve, StepEventKind.Succeeded, "http 8100", 4);
        await StepEvents.AppendAsync(kept, CancellationToken.None);
        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));
        page.WaitForAssertion(() => page.Find("[data-testid=step-create-reserve-succeeded]"));

        var started = Step(2, Steps.Files, StepEventKind.Started, "", null);
        await StepEvents.AppendAsync(started, CancellationToken.None);
        Feed.Publish(new StepReported(started));

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("[data-testid=clone-steps] li");
            Assert.Equal(["reserve", "files"], rows.Select(r => r.GetAttribute("data-step")));
            Assert.Equal("Started", rows[1].GetAttribute("data-kind"));
        });
    }

    private static StepEvent Step(long sequence, string step, StepEventKind kind, string message,
        long? ms) =>
        new("bot1", sequence, Operations.Create, step, kind, message, ms, DateTimeOffset.UtcNow);

    [Fact]
    public async Task ClonePage_SecretInput_IsNotShown()
    {
        var clone = await AddReadyCloneAsync("bot1", 1, 8100);
        await Store.UpdateAsync(clone with
        {
            Inputs = new Dictionary<string, string> { ["session_id"] = "s-1", ["token"] = "leak:0123456789" },
        }, CancellationToken.None);

        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));

        page.WaitForAssertion(() =>
            Assert.Equal("s-1", page.Find("[data-testid=clone-input-session_id]").TextContent));
        Assert.DoesNotContain("leak:0123456789", page.Markup);
    }

    [Fact]
    public async Task ClonePage_DeleteConfirmedWithName_DeletesCloneAndReturnsToList()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("clones/bot1");
        var host = RenderWithProviders(b =>
        {
            b.OpenComponent<ClonePage>(0);
            b.AddAttribute(1, nameof(ClonePage.Name), "bot1");
            b.CloseComponent();
        });
        host.WaitForAssertion(() => host.Find("[data-testid=delete-clone]"));

        // The page's handler waits for the dialog to close, so the click is not awaited.
        var opening = host.Find("[data-testid=delete-clone]").ClickAsync(new());
        host.WaitForAssertion(() =>
            Assert.True(host.Find("[data-testid=delete-confirm]").HasAttribute("disabled")));
        host.Find("input[data-testid=delete-confirm-name]").Input("bot2");
        Assert.True(host.Find("[data-testid=delete-confirm]").HasAttribute("disabled"));
        host.Find("input[data-testid=delete-confirm-name]").Input("bot1");
        await host.Find("[data-testid=delete-confirm]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.Equal(navigation.BaseUri, navigation.Uri);
            Assert.Contains("Clone bot1 deleted", host.Markup);
        });
        await opening;
        Assert.Empty(await Store.ListAsync(CancellationToken.None));
    }
}
