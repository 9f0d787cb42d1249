using Cloner.Tests.TestHost;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Cloner.Tests.Browser;

/// <summary>The login page and the not-found page in a real Chromium.</summary>
[Collection(ClonerServersCollection.Name)]
public sealed class PagesTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task LoginPage_DarkBrowser_HasOneTitleAndADarkBackground()
    {
        var chromium = LiveServers.RequireChromium();
        await using var host = await ClonerHost.StartAsync(null, testBlueprints: false);
        await host.RunAsync(output, async () =>
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await LaunchAsync(playwright, chromium);
            var page = await browser.NewPageAsync(new() { ColorScheme = ColorScheme.Dark });

            await page.GotoAsync(host.BaseUri + "login");

            Assert.Equal(1, await page.Locator("title").CountAsync());
            Assert.Equal("Sign in · Cloner", await page.TitleAsync());
            var background = await page.EvalOnSelectorAsync<string>(
                ".cloner-login form", "e => getComputedStyle(e).backgroundColor");
            Assert.Equal("rgb(39, 39, 47)", background);
        });
    }

    [SkippableFact]
    public async Task UnknownAddress_SignedIn_ShowsTheNotFoundPageWith404()
    {
        var chromium = LiveServers.RequireChromium();
        await using var host = await ClonerHost.StartAsync(null, testBlueprints: false);
        await host.RunAsync(output, async () =>
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await LaunchAsync(playwright, chromium);
            var page = await browser.NewPageAsync();
            await page.GotoAsync(host.BaseUri.ToString());
            await page.FillAsync("#login-user", ClonerHost.AdminUserName);
            await page.FillAsync("#login-password", host.AdminPassword);
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator("[data-testid='new-clone']").First)
                .ToBeVisibleAsync();

            var response = await page.GotoAsync(host.BaseUri + "nothing-here");

            Assert.Equal(404, response!.Status);
            await Assertions.Expect(page.Locator("h1"))
                .ToHaveTextAsync("There is nothing at this address");
            Assert.Equal("Not found - Cloner", await page.TitleAsync());
        });
    }

    private static async Task<IBrowser> LaunchAsync(IPlaywright playwright, string chromium) =>
        await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = DashboardTests.ChromiumArgs,
        });
}
