using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using Cloner.Infrastructure.Storage;
using Cloner.Infrastructure.Storage.Sqlite;
using Cloner.Web.Commands;
using Microsoft.Extensions.Logging.Abstractions;
using static Cloner.Tests.Storage.StoreSamples;

namespace Cloner.Tests.Storage;

/// <summary>copy-store between two embedded stores, through the command line entry.</summary>
public sealed class StoreCommandTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly TempFolder _folder = new();

    private string Source => _folder.File("source/cloner.db");

    private string Target => _folder.File("target/cloner.db");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task CopyStore_EmbeddedToEmbedded_CopiesEveryRecord()
    {
        await FillSourceAsync();

        var (code, output, errors) = await CopyAsync();

        Assert.Equal(0, code);
        Assert.Equal("", errors);
        Assert.Contains(
            "2 clones, 3 port claims, 3 step events, 2 components, 1 user, 2 audit entries",
            output,
            StringComparison.Ordinal);
        await AssertTargetHoldsSourceAsync();
    }

    [Fact]
    public async Task CopyStore_ToANonEmptyTarget_IsRefusedAndLeavesItAlone()
    {
        await FillSourceAsync();
        await using (var target = await OpenAsync(Target))
        {
            await target.Clones.TryInsertAsync(Clone("other"), None);
        }

        var (code, _, errors) = await CopyAsync();

        Assert.Equal(1, code);
        Assert.Contains("already holds 1 clone, 0 port claims", errors, StringComparison.Ordinal);
        await using var unchanged = await OpenAsync(Target);
        Assert.Equal(["other"], (await unchanged.Clones.ListAsync(None)).Select(c => c.Name));
    }

    [Fact]
    public async Task CopyStore_WithOverwrite_ReplacesWhatTheTargetHeld()
    {
        await FillSourceAsync();
        await using (var target = await OpenAsync(Target))
        {
            await target.Clones.TryInsertAsync(Clone("other"), None);
            await target.Users.TryCreateAsync(User("admin"), None);
        }

        var (code, _, errors) = await CopyAsync("--overwrite");

        Assert.Equal(0, code);
        Assert.Equal("", errors);
        await AssertTargetHoldsSourceAsync();
    }

    [Fact]
    public async Task CopyStore_FromAMissingFile_FailsWithoutCreatingIt()
    {
        var (code, _, errors) = await CopyAsync();

        Assert.Equal(1, code);
        Assert.Contains(Source, errors, StringComparison.Ordinal);
        Assert.False(File.Exists(Source));
    }

    [Fact]
    public async Task CopyStore_OntoItself_IsRefused()
    {
        await FillSourceAsync();

        var (code, _, errors) = await RunAsync(
            "--from", $"sqlite:{Source}", "--to", $"sqlite:{Source}", "--overwrite");

        Assert.Equal(1, code);
        Assert.Contains("same store", errors, StringComparison.Ordinal);
        await using var source = await OpenAsync(Source);
        Assert.Equal(2, (await source.Clones.ListAsync(None)).Count);
    }

    [Theory]
    [InlineData("--from", "sqlite:/tmp/a.db")]
    [InlineData("--from", "postgres:/tmp/a.db", "--to", "sqlite:/tmp/b.db")]
    [InlineData("--from", "sqlite:/tmp/a.db", "--to", "sqlite:/tmp/b.db", "--force")]
    public async Task CopyStore_WithBadArguments_PrintsUsageAndReturnsTwo(params string[] args)
    {
        var (code, output, errors) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("usage: copy-store", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyStore_WithAStrayValue_DoesNotRepeatIt()
    {
        var (code, _, errors) = await RunAsync(
            "--from", "sqlite:/tmp/a.db", "mongodb://u:hunter2@h", "--to", "sqlite:/tmp/b.db");

        Assert.Equal(2, code);
        Assert.DoesNotContain("hunter2", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryRun_WithAnotherFirstArgument_ReturnsNull()
    {
        Assert.Null(await StoreCommand.TryRunAsync(["--urls", "http://127.0.0.1:5000"]));
        Assert.Null(await StoreCommand.TryRunAsync([]));
    }

    private Task<(int Code, string Output, string Errors)> CopyAsync(params string[] more) =>
        RunAsync(["--from", $"sqlite:{Source}", "--to", $"sqlite:{Target}", .. more]);

    private static async Task<(int Code, string Output, string Errors)> RunAsync(
        params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await StoreCommand.RunAsync(args, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    private static async Task<IClonerStore> OpenAsync(string path)
    {
        var store = new SqliteStore(path, NullLogger<SqliteStore>.Instance);
        await store.InitializeAsync(None);
        return store;
    }

    private async Task FillSourceAsync()
    {
        await using var source = await OpenAsync(Source);
        await source.Clones.TryInsertAsync(Clone("bot1", 1), None);
        await source.Clones.TryInsertAsync(Clone("bot2", 2), None);
        await source.PortClaims.TryClaimAsync(new PortClaim(8101, "bot1", "http"), None);
        await source.PortClaims.TryClaimAsync(new PortClaim(9101, "bot1", "vk"), None);
        await source.PortClaims.TryClaimAsync(new PortClaim(8102, "bot2", "http"), None);
        await source.StepEvents.AppendAsync(Step("bot1", 1, StepEventKind.Started), None);
        await source.StepEvents.AppendAsync(Step("bot1", 2), None);
        await source.StepEvents.AppendAsync(Step("bot2", 1), None);
        await source.Components.UpsertAsync(Component("bot1", "bot"), None);
        await source.Components.UpsertAsync(Component("bot2", "vk"), None);
        await source.Users.TryCreateAsync(User("operator"), None);
        await source.Audit.AppendAsync(
            new AuditEntry(Noon, "operator", "create", "bot1", null), None);
        await source.Audit.AppendAsync(
            new AuditEntry(Noon.AddSeconds(1), "operator", "create", "bot2", "second"), None);
    }

    private async Task AssertTargetHoldsSourceAsync()
    {
        await using var source = await OpenAsync(Source);
        await using var target = await OpenAsync(Target);

        var clones = await target.Clones.ListAsync(None);
        Assert.Equal(["bot1", "bot2"], clones.Select(c => c.Name));
        foreach (var clone in await source.Clones.ListAsync(None))
        {
            AssertSame(clone, await target.Clones.FindAsync(clone.Name, None));
        }

        Assert.Equal(
            await source.PortClaims.ListAsync(None),
            await target.PortClaims.ListAsync(None));
        Assert.Equal(
            await source.ListAllStepEventsAsync(None),
            await target.ListAllStepEventsAsync(None));
        Assert.Equal(
            await source.Components.ListAsync(None),
            await target.Components.ListAsync(None));
        var users = await target.Users.ListAsync(None);
        Assert.Equal(["operator"], users.Select(u => u.UserName));
        var user = await target.Users.FindByNormalizedNameAsync("OPERATOR", None);
        AssertSame(User("operator"), user);
        Assert.Equal(
            await source.Audit.ListAsync(10, None),
            await target.Audit.ListAsync(10, None));
    }
}
