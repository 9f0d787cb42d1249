using Bunit;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
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
