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

    [Theory]
    [InlineData(CloneStatus.Deleting)]
    [InlineData(CloneStatus.Creating)]
    public async Task ClonePage_CloneNotReady_DisablesCommandsAndDelete(CloneStatus status)
    {
        await AddCloneAsync("bot1", 1, 8100, status);
        Supervisor.Set(Supervisor.Current("bot1", "bot") with
        {
            State = ComponentState.Running,
            Pid = 77,
            StartedAt = DateTimeOffset.UtcNow,
        });

        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));

        page.WaitForAssertion(() =>
        {
            Assert.True(page.Find("[data-testid=delete-clone]").HasAttribute("disabled"));
            Assert.True(page.Find("[data-testid=stop-bot1-bot]").HasAttribute("disabled"));
            Assert.True(page.Find("[data-testid=restart-bot1-bot]").HasAttribute("disabled"));
            Assert.True(page.Find("[data-testid=start-bot1-vk]").HasAttribute("disabled"));
        });
    }

    [Fact]
    public async Task ClonePage_CloneFailed_AllowsDeleteButNotCommands()
    {
        await AddCloneAsync("bot1", 1, 8100, CloneStatus.Failed);

        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));

        page.WaitForAssertion(() =>
        {
            Assert.False(page.Find("[data-testid=delete-clone]").HasAttribute("disabled"));
            Assert.True(page.Find("[data-testid=start-bot1-vk]").HasAttribute("disabled"));
        });
    }

    [Fact]
    public async Task ClonePage_ReadyCloneComponentStopped_AllowsStartAndShowsNoUsage()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Monitor.Set("bot1", "vk", new ResourceSample(42.5, 64 << 20, 1, 1, DateTimeOffset.UtcNow));

        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));

        page.WaitForAssertion(() =>
        {
            Assert.False(page.Find("[data-testid=start-bot1-vk]").HasAttribute("disabled"));
            var vk = page.Find("[data-testid=component-bot1-vk]").TextContent;
            Assert.Contains("CPU\u00A0-", vk);
            Assert.DoesNotContain("42.5", vk);
            Assert.DoesNotContain("64.0 MiB", vk);
        });
    }

    [Fact]
    public async Task ClonePage_ComponentInBackoffWithExitCode_ShowsReasonUnderIt()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        Supervisor.Set(Supervisor.Current("bot1", "vk") with
        {
            State = ComponentState.Backoff,
            ExitCode = 2,
            Restarts = 3,
            Message = "port 9101 is in use",
        });

        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));

        page.WaitForAssertion(() =>
        {
            var problem = page.Find("[data-testid=component-bot1-vk-problem]");
            Assert.Equal("exit code 2: port 9101 is in use", problem.TextContent.Trim());
            Assert.Empty(page.FindAll("[data-testid=component-bot1-bot-problem]"));
        });
    }

    [Fact]
    public async Task ClonePage_AllTabLine_KeepsPrefixInOneElementBesideTheText()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        Supervisor.AddLines("bot1", "vk",
            new LogLine(1, at, true, "2026-01-02 03:04:05 vk failed"));
        var page = Render<ClonePage>(p => p.Add(c => c.Name, "bot1"));
        page.WaitForAssertion(() => page.Find("[data-testid=log-bot1-bot]"));

        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "All").Click();

        page.WaitForAssertion(() =>
        {
            var line = page.Find("[data-testid=log-bot1-all] .log-line");
            Assert.Equal(["log-prefix", "log-text"], line.Children.Select(c => c.ClassName));
            var prefix = line.Children[0];
            Assert.Equal(
                ["log-time", "log-component", "log-stream"],
                prefix.Children.Select(c => c.ClassName));
            Assert.Equal(".678", prefix.QuerySelector(".log-time .log-ms")!.TextContent);
            Assert.Equal("vk", prefix.QuerySelector(".log-component")!.TextContent);
            Assert.Equal("err", prefix.QuerySelector(".log-stream")!.TextContent);
        });
    }

    [Fact]
    public async Task ClonePage_StartAllThenStopAllConfirmed_RunsEveryComponent()
    {
        await AddReadyCloneAsync("bot1", 1, 8100);
        var host = RenderWithProviders(b =>
        {
            b.OpenComponent<ClonePage>(0);
            b.AddAttribute(1, nameof(ClonePage.Name), "bot1");
            b.CloseComponent();
        });
        host.WaitForAssertion(() =>
            Assert.True(host.Find("[data-testid=stop-all-bot1]").HasAttribute("disabled")));

        await host.Find("[data-testid=start-all-bot1]").ClickAsync(new());

        Assert.Equal(ComponentState.Running, Supervisor.Current("bot1", "bot").State);
        Assert.Equal(ComponentState.Running, Supervisor.Current("bot1", "vk").State);
        host.WaitForAssertion(() =>
        {
            Assert.Contains("bot1: start of 2 components done", host.Markup);
            Assert.True(host.Find("[data-testid=start-all-bot1]").HasAttribute("disabled"));
            Assert.False(host.Find("[data-testid=stop-bot1-vk]").HasAttribute("disabled"));
        });

        var stopping = host.Find("[data-testid=stop-all-bot1]").ClickAsync(new());
        host.WaitForAssertion(() => Assert.Contains("Stop every component of bot1", host.Markup));
        await host.FindAll(".mud-message-box button")
            .Single(b => b.TextContent.Contains("Stop all")).ClickAsync(new());
        await stopping;

        Assert.Equal(ComponentState.Stopped, Supervisor.Current("bot1", "bot").State);
        Assert.Equal(ComponentState.Stopped, Supervisor.Current("bot1", "vk").State);
        host.WaitForAssertion(() =>
            Assert.False(host.Find("[data-testid=start-bot1-bot]").HasAttribute("disabled")));
    }
}
