using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Cloner.Tests.TestHost;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Cloner.Tests.Browser;

/// <summary>
/// The dashboard in a real Chromium, at desktop width and at 390 px: sign in, create a clone
/// and watch its steps appear, start a component and watch its log lines arrive, kill its
/// process from outside and watch the state change, stop it and delete the clone.
/// Screenshots of both widths go to TestResults/screenshots/.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed partial class DashboardTests(ITestOutputHelper output)
{
    private static readonly float s_timeout = 60_000;

    public static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    [SkippableFact]
    public Task Dashboard_DesktopWidth_CreateStartKillStopDeleteWork() =>
        RunAsync("ui1", 1280, 800);

    [SkippableFact]
    public Task Dashboard_PhoneWidth_CreateStartKillStopDeleteWork() =>
        RunAsync("ui2", 390, 844);

    private async Task RunAsync(string clone, int width, int height)
    {
        var chromium = LiveServers.RequireChromium();
        await using var host = await ClonerHost.StartAsync(null, testBlueprints: false);
        await host.RunAsync(output, async () =>
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ChromiumArgs,
            });
            var page = await browser.NewPageAsync(new()
            {
                ViewportSize = new() { Width = width, Height = height },

                // The phone run asks for a dark browser, so its screenshots show the dark theme.
                ColorScheme = width < 600 ? ColorScheme.Dark : ColorScheme.Light,
            });
            page.SetDefaultTimeout(s_timeout);
            page.Console += (_, message) =>
                output.WriteLine($"browser {message.Type}: {message.Text}");

            await SignInAsync(page, host, width);
            await CreateCloneAsync(page, clone, width);
            await StartAndSeeLogAsync(page, clone, width);
            await KillAndSeeStateChangeAsync(page, clone, width);

            await Visible(page, "back-to-list").ClickAsync();
            await Assertions.Expect(Visible(page, "new-clone")).ToBeVisibleAsync();
            await Assertions.Expect(Visible(page, $"component-{clone}-vk-state"))
                .ToHaveAttributeAsync("data-state", "Running", new() { Timeout = s_timeout });
            await ShotAsync(page, $"list-running-{width}");

            await Visible(page, $"stop-{clone}-vk").ClickAsync();
            await Assertions.Expect(Visible(page, $"component-{clone}-vk-state"))
                .ToContainTextAsync("Stopped", new() { Timeout = s_timeout });

            await DeleteCloneAsync(page, clone, width);

            using var api = await host.CreateClient().SignInAsync();
            Assert.Equal(HttpStatusCode.NotFound, await api.GetCloneStatusAsync(clone));
            var alive = await ProcFs.WaitNoneOfCloneAsync(clone, TimeSpan.FromSeconds(5));
            Assert.True(alive.Count == 0, $"processes of {clone} alive: " + ProcFs.Describe(alive));
        });
    }

    private static async Task SignInAsync(IPage page, ClonerHost host, int width)
    {
        await page.GotoAsync(host.BaseUri.ToString());
        await page.WaitForURLAsync("**/login**");
        await ShotAsync(page, $"login-{width}");
        await page.FillAsync("#login-user", ClonerHost.AdminUserName);
        await page.FillAsync("#login-password", host.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(Visible(page, "new-clone"))
            .ToBeVisibleAsync(new() { Timeout = s_timeout });
        await ShotAsync(page, $"list-{width}");
    }

    private static async Task CreateCloneAsync(IPage page, string clone, int width)
    {
        await Visible(page, "new-clone").ClickAsync();
        await Assertions.Expect(Visible(page, "create-dialog")).ToBeVisibleAsync();

        // With more than one blueprint the dialog asks which; the sample is picked then.
        var choice = page.Locator("[data-testid='create-blueprint']");
        if (await choice.CountAsync() > 0)
        {
            await choice.First.ClickAsync();
            await Visible(page, "create-blueprint-ego1").ClickAsync();
        }

        await Assertions.Expect(page.Locator("input[data-testid='create-input-token']").First)
            .ToBeVisibleAsync();
        await FillAsync(page, "create-name", clone);
        await FillAsync(page, "create-input-token", "ui-token-0123456789");
        await FillAsync(page, "create-input-session_id", "ui-session");
        await Visible(page, "create-submit").ClickAsync();

        // The steps show while the create runs, and stay once it is done.
        await Assertions.Expect(page.Locator("[data-testid='create-steps'] li").First)
            .ToBeVisibleAsync(new() { Timeout = s_timeout });
        await Assertions.Expect(Visible(page, "create-success"))
            .ToBeVisibleAsync(new() { Timeout = s_timeout });
        await Assertions.Expect(Visible(page, "step-create-register-succeeded")).ToBeVisibleAsync();
        await Assertions.Expect(Visible(page, "step-create-database-skipped")).ToBeVisibleAsync();
        await ShotAsync(page, $"create-dialog-{width}");

        await Visible(page, "create-open-clone").ClickAsync();
        await Assertions.Expect(Visible(page, "clone-name")).ToHaveTextAsync(clone);
    }

    private static async Task StartAndSeeLogAsync(IPage page, string clone, int width)
    {
        var state = Visible(page, $"component-{clone}-vk-state");
        await Assertions.Expect(state).ToContainTextAsync("Stopped", new() { Timeout = s_timeout });
        await Visible(page, $"start-{clone}-vk").ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-state", "Running",
            new() { Timeout = s_timeout });

        await page.Locator(".mud-tab", new() { HasTextString = "vk" }).First.ClickAsync();
        var log = Visible(page, $"log-{clone}-vk");
        await Assertions.Expect(log).ToContainTextAsync($"{clone}/vk heartbeat",
            new() { Timeout = s_timeout });
        await log.ScrollIntoViewIfNeededAsync();
        await ShotAsync(page, $"clone-logs-{width}");

        var scroll = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scroll <= width, $"the clone page is {scroll} px wide at a {width} px window");
    }

    private static async Task KillAndSeeStateChangeAsync(IPage page, string clone, int width)
    {
        var pid = Visible(page, $"component-{clone}-vk-pid");
        var before = (await pid.TextContentAsync())!.Trim();
        Assert.Matches(Digits(), before);

        using (var kill = Process.Start("kill", ["-9", before]))
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        // The supervisor sees the run end and restarts it with backoff: a new pid appears.
        await Assertions.Expect(Visible(page, $"component-{clone}-vk-state"))
            .Not.ToHaveAttributeAsync("data-state", "Running", new() { Timeout = s_timeout });
        await ShotAsync(page, $"clone-killed-{width}");
        await Assertions.Expect(pid).ToHaveTextAsync(Digits(), new() { Timeout = s_timeout });
        await Assertions.Expect(pid).Not.ToHaveTextAsync(before, new() { Timeout = s_timeout });
        await Assertions.Expect(Visible(page, $"component-{clone}-vk-state"))
            .ToHaveAttributeAsync("data-state", "Running", new() { Timeout = s_timeout });
    }

    private static async Task DeleteCloneAsync(IPage page, string clone, int width)
    {
        await Visible(page, $"clone-link-{clone}").ClickAsync();
        await Visible(page, "delete-clone").ClickAsync();
        await FillAsync(page, "delete-confirm-name", clone);
        await ShotAsync(page, $"delete-dialog-{width}");
        await Visible(page, "delete-confirm").ClickAsync();

        // A delete that succeeded closes the dialog and goes back to the list.
        await Assertions.Expect(Visible(page, "new-clone"))
            .ToBeVisibleAsync(new() { Timeout = s_timeout });
        await Assertions.Expect(page.Locator($"[data-testid='clone-row-{clone}']"))
            .ToHaveCountAsync(0, new() { Timeout = s_timeout });
        await ShotAsync(page, $"deleted-{width}");
    }

    /// <summary>The visible element with the test id (lists render a table and phone cards).</summary>
    private static ILocator Visible(IPage page, string testId) =>
        page.Locator($"[data-testid='{testId}'] >> visible=true").First;

    /// <summary>Fills the input that carries the test id, or the input inside the element that does.</summary>
    private static async Task FillAsync(IPage page, string testId, string value)
    {
        var input = page.Locator(
            $"input[data-testid='{testId}'], textarea[data-testid='{testId}'], " +
            $"[data-testid='{testId}'] input").First;
        await input.FillAsync(value);
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepoLayout.ResultsDir, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Digits();
}
