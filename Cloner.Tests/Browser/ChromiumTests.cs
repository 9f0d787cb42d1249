using Cloner.Tests.TestHost;
using Microsoft.Playwright;

namespace Cloner.Tests.Browser;

/// <summary>
/// The Playwright driver bundled in the NuGet package drives the system Chromium.
/// </summary>
public sealed class ChromiumTests
{
    [SkippableFact]
    public async Task BundledDriver_SystemChromium_RendersAPageWithoutDownloading()
    {
        var chromium = LiveServers.RequireChromium();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = DashboardTests.ChromiumArgs,
        });
        var page = await browser.NewPageAsync();

        await page.SetContentAsync("<p id='probe'>rendered by chromium</p>");

        Assert.Equal("rendered by chromium", await page.InnerTextAsync("#probe"));
        Assert.False(string.IsNullOrEmpty(browser.Version));
    }
}
