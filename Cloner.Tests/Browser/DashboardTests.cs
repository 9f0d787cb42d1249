using System.Net;
using Cloner.Tests.TestHost;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Cloner.Tests.Browser;

/// <summary>
/// The dashboard in a real Chromium: sign in, create a clone, start a component, see it
/// Running, stop it, delete the clone. Screenshots at 1280 and 390 px go to TestResults/.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class DashboardTests(ITestOutputHelper output)
{
    private const string Clone = "ui1";
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
    public async Task Dashboard_SignInCreateStartStopDelete_Works()
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
                ViewportSize = new() { Width = 1280, Height = 800 },
            });
            page.SetDefaultTimeout(s_timeout);
            page.Console += (_, message) =>
                output.WriteLine($"browser {message.Type}: {message.Text}");

            await SignInAsync(page, host);
            await ShotAsync(page, "list-1280");

            await CreateCloneAsync(page);
            await ShotAsync(page, "created-1280");

            var state = Visible(page, $"component-{Clone}-vk-state");
            await Assertions.Expect(state).ToContainTextAsync("Stopped",
                new() { Timeout = s_timeout });
            await Visible(page, $"start-{Clone}-vk").ClickAsync();
            await Assertions.Expect(state).ToContainTextAsync("Running",
                new() { Timeout = s_timeout });
            await ShotAsync(page, "running-1280");

            await page.SetViewportSizeAsync(390, 844);
            await page.ReloadAsync();
            var phoneState = Visible(page, $"component-{Clone}-vk-state");
            await Assertions.Expect(phoneState).ToContainTextAsync("Running",
                new() { Timeout = s_timeout });
            await ShotAsync(page, "running-390");
            await page.SetViewportSizeAsync(1280, 800);
            await page.ReloadAsync();

            await Visible(page, $"stop-{Clone}-vk").ClickAsync();
            await Assertions.Expect(Visible(page, $"component-{Clone}-vk-state"))
                .ToContainTextAsync("Stopped", new() { Timeout = s_timeout });

            await DeleteCloneAsync(page);
            await ShotAsync(page, "deleted-1280");

            using var api = await host.CreateClient().SignInAsync();
            Assert.Equal(HttpStatusCode.NotFound, await api.GetCloneStatusAsync(Clone));
            var alive = await ProcFs.WaitNoneOfCloneAsync(Clone, TimeSpan.FromSeconds(5));
            Assert.True(alive.Count == 0, "processes of ui1 alive: " + ProcFs.Describe(alive));
        });
    }

    private static async Task SignInAsync(IPage page, ClonerHost host)
    {
        await page.GotoAsync(host.BaseUri.ToString());
        await page.WaitForURLAsync("**/login**");
        await ShotAsync(page, "login-1280");
        await page.FillAsync("#login-user", ClonerHost.AdminUserName);
        await page.FillAsync("#login-password", host.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(Visible(page, "new-clone"))
            .ToBeVisibleAsync(new() { Timeout = s_timeout });
    }

    private static async Task CreateCloneAsync(IPage page)
    {
        await Visible(page, "new-clone").ClickAsync();
        await FillAsync(page, "create-name", Clone);
        await FillAsync(page, "create-input-token", "ui-token-0123456789");
        await FillAsync(page, "create-input-session_id", "ui-session");
        await Visible(page, "create-submit").ClickAsync();
        await Assertions.Expect(Visible(page, "create-success"))
            .ToBeVisibleAsync(new() { Timeout = s_timeout });
        await ShotAsync(page, "create-dialog-1280");
        await Visible(page, "create-close").ClickAsync();
        await Assertions.Expect(Visible(page, $"clone-row-{Clone}"))
            .ToBeVisibleAsync(new() { Timeout = s_timeout });
    }

    private static async Task DeleteCloneAsync(IPage page)
    {
        await Visible(page, $"clone-link-{Clone}").ClickAsync();
        await Visible(page, "delete-clone").ClickAsync();
        await FillAsync(page, "delete-confirm-name", Clone);
        await ShotAsync(page, "delete-dialog-1280");
        await Visible(page, "delete-confirm").ClickAsync();

        // The dialog shows the delete's steps, then the page returns to the list.
        await Assertions.Expect(Visible(page, "new-clone"))
            .ToBeVisibleAsync(new() { Timeout = s_timeout });
        await Assertions.Expect(page.Locator($"[data-testid='clone-row-{Clone}']"))
            .ToHaveCountAsync(0, new() { Timeout = s_timeout });
    }

    /// <summary>
    /// The visible element with the test id (lists render a table and phone cards).
    /// </summary>
    private static ILocator Visible(IPage page, string testId) =>
        page.Locator($"[data-testid='{testId}'] >> visible=true").First;

    /// <summary>
    /// Fills the input that carries the test id, or the input inside the element that does.
    /// </summary>
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
        var path = Path.Combine(folder, $"{name}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
    }
}
