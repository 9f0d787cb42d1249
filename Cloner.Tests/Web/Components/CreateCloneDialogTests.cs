using Bunit;
using Cloner.Domain.Provisioning;
using Cloner.Tests.Web.Components.Fakes;
using Cloner.Web.Components.Clones;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Cloner.Tests.Web.Components;

public sealed class CreateCloneDialogTests : DashboardContext
{
    [Fact]
    public async Task CreateDialog_BlueprintWithInputs_RendersOneFieldPerInputInOrder()
    {
        var host = await OpenAsync();

        var fields = host.FindAll("input[data-testid^=create-input-]");
        Assert.Equal(
            ["create-input-token", "create-input-session_id", "create-input-session_id2"],
            fields.Select(f => f.GetAttribute("data-testid")));
        Assert.Equal("password", fields[0].GetAttribute("type"));
        Assert.Equal("text", fields[1].GetAttribute("type"));

        // MudBlazor draws the required '*' after the label from this class.
        var required = fields
            .Select(f => f.Closest(".mud-input-control")!.ClassList.Contains("mud-input-required"))
            .ToList();
        Assert.Equal([true, true, false], required);
        var labels = host.FindAll("label").Select(l => l.TextContent.Trim()).ToList();
        Assert.Equal(["Name", "Bot token", "Session id", "Session id 2"], labels);
    }

    [Fact]
    public async Task CreateDialog_NameField_SaysAnEmptyNameTakesTheNextFreeOne()
    {
        var host = await OpenAsync();

        var name = host.Find("input[data-testid=create-name], [data-testid=create-name] input");
        Assert.Equal("leave empty for the next free bot<N>", name.GetAttribute("placeholder"));
    }

    [Fact]
    public async Task CreateDialog_TokenFailsPattern_ShowsErrorAtFieldAndCreatesNothing()
    {
        var host = await OpenAsync();
        host.Find("input[data-testid=create-input-token]").Change("short");
        host.Find("input[data-testid=create-input-session_id]").Change("abc");

        await host.Find("[data-testid=create-submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            var tokenField = host.Find("input[data-testid=create-input-token]")
                .Closest(".mud-input-control")!;
            Assert.Contains("Bot token does not match the pattern", tokenField.TextContent);
        });
        Assert.Empty(await Store.ListAsync(CancellationToken.None));
        Assert.Empty(await StepEvents.ListAsync("bot1", CancellationToken.None));
    }

    [Fact]
    public async Task CreateDialog_RequiredInputMissing_ShowsErrorAtThatField()
    {
        var host = await OpenAsync();
        host.Find("input[data-testid=create-input-token]").Change("123456:abcdefghij");

        await host.Find("[data-testid=create-submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            var field = host.Find("input[data-testid=create-input-session_id]")
                .Closest(".mud-input-control")!;
            Assert.Contains("Session id is required", field.TextContent);
        });
        Assert.Empty(await Store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CreateDialog_ValidInputs_ShowsStepsAndLinksToNewClone()
    {
        var host = await OpenAsync();
        host.Find("input[data-testid=create-input-token]").Change("123456:abcdefghij");
        host.Find("input[data-testid=create-input-session_id]").Change("abc");

        await host.Find("[data-testid=create-submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.Equal("clones/bot1",
                host.Find("[data-testid=create-open-clone]").GetAttribute("href"));
            Assert.NotNull(host.Find("[data-testid=step-create-register-succeeded]"));
            Assert.Contains("ConnectionStrings:MySqlAdmin is not set",
                host.Find("[data-testid=step-create-database-skipped]").TextContent);
        });
        var clone = Assert.Single(await Store.ListAsync(CancellationToken.None));
        Assert.Equal("bot1", clone.Name);
        Assert.DoesNotContain("123456:abcdefghij", host.Markup);
        Assert.DoesNotContain(StepEventKind.Failed.ToString(),
            string.Join(",", host.FindAll("[data-kind]").Select(e => e.GetAttribute("data-kind"))));
    }

    private async Task<IRenderedComponent<ProviderHost>> OpenAsync()
    {
        var host = RenderWithProviders(_ => { });
        var dialogs = Services.GetRequiredService<IDialogService>();
        await host.InvokeAsync(() => dialogs.ShowAsync<CreateCloneDialog>("New clone"));
        host.WaitForAssertion(() => host.Find("[data-testid=create-submit]"));
        return host;
    }
}
