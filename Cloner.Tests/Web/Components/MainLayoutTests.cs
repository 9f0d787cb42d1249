using Bunit;
using Cloner.Tests.Web.Components.Fakes;
using Cloner.Web.Components.Layout;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Cloner.Tests.Web.Components;

public sealed class MainLayoutTests : DashboardContext
{
    [Fact]
    public void MainLayout_SnackbarShown_SitsAtTheBottomCenter()
    {
        AddAuthorization().SetAuthorized("admin");
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, "<p>page</p>"));

        layout.InvokeAsync(() =>
            Services.GetRequiredService<ISnackbar>().Add("bot1/bot: Running", Severity.Success));

        layout.WaitForAssertion(() =>
        {
            var location = layout.Find("#mud-snackbar-container");
            Assert.Contains("mud-snackbar-location-bottom-center", location.ClassName);
            Assert.DoesNotContain("top-right", location.ClassName);
            Assert.Contains("bot1/bot: Running", location.TextContent);
        });
    }
}
