using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using Cloner.Infrastructure.Storage;
using static Cloner.Tests.Storage.StoreSamples;

namespace Cloner.Tests.Storage;

/// <summary>
/// What every store must do, written once and run against each store by a subclass that says
/// how to make an empty one and how to take it away.
/// </summary>
public abstract class StoreContract : IAsyncLifetime
{
    private IClonerStore? _store;

    /// <summary>Why this store cannot be tested here, or null when it can.</summary>
    protected virtual string? Unavailable => null;

    protected IClonerStore Store => _store ?? throw new InvalidOperationException("no store");

    public async Task InitializeAsync()
    {
        if (Unavailable is null)
        {
            _store = await CreateStoreAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await DestroyStoreAsync(_store);
        }
    }

    /// <summary>An empty, initialized store of its own for one test.</summary>
    protected abstract Task<IClonerStore> CreateStoreAsync();

    protected abstract Task DestroyStoreAsync(IClonerStore store);

    private static CancellationToken None => CancellationToken.None;

    [SkippableFact]
    public async Task Clone_InsertedThenFound_KeepsEveryField()
    {
        SkipIfUnavailable();
        var clone = Clone("bot7");

        Assert.True(await Store.Clones.TryInsertAsync(clone, None));

        AssertSame(clone, await Store.Clones.FindAsync("bot7", None));
        Assert.Null(await Store.Clones.FindAsync("bot8", None));
    }

    [SkippableFact]
    public async Task Clone_NullFieldsAndEmptyMaps_ComeBackSo()
    {
        SkipIfUnavailable();
        var clone = Clone("bare") with
        {
            Status = CloneStatus.Creating,
            StatusReason = null,
            Inputs = new Dictionary<string, string>(),
            Ports = new Dictionary<string, int>(),
            DatabaseName = null,
            DatabaseUser = null,
            Made = new CloneResources(),
        };

        await Store.Clones.TryInsertAsync(clone, None);

        AssertSame(clone, await Store.Clones.FindAsync("bare", None));
    }

    [SkippableFact]
    public async Task Clone_InsertedUnderATakenName_IsRefused()
    {
        SkipIfUnavailable();
        await Store.Clones.TryInsertAsync(Clone("bot7", 7), None);

        Assert.False(await Store.Clones.TryInsertAsync(Clone("bot7", 8), None));
        Assert.Equal(7, (await Store.Clones.FindAsync("bot7", None))!.Number);
    }

    [SkippableFact]
    public async Task Clone_Updated_IsFoundWithTheNewFields()
    {
        SkipIfUnavailable();
        await Store.Clones.TryInsertAsync(Clone("bot7"), None);
        var changed = Clone("bot7") with
        {
            Status = CloneStatus.Failed,
            StatusReason = "the route step failed",
            Ports = new Dictionary<string, int> { ["http"] = 8200 },
            Made = new CloneResources { Route = true },
            UpdatedAt = Noon.AddHours(1),
        };

        await Store.Clones.UpdateAsync(changed, None);

        AssertSame(changed, await Store.Clones.FindAsync("bot7", None));
        Assert.Single(await Store.Clones.ListAsync(None));
    }

    [SkippableFact]
    public async Task Clone_UpdatedWhenMissing_Throws()
    {
        SkipIfUnavailable();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store.Clones.UpdateAsync(Clone("ghost"), None));

        Assert.Contains("ghost", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Clones_Listed_AreOrderedByName()
    {
        SkipIfUnavailable();
        foreach (var name in new[] { "bot2", "bot10", "alpha", "bot1" })
        {
            await Store.Clones.TryInsertAsync(Clone(name), None);
        }

        var names = (await Store.Clones.ListAsync(None)).Select(c => c.Name);

        Assert.Equal(["alpha", "bot1", "bot10", "bot2"], names);
    }

    [SkippableFact]
    public async Task Clone_Deleted_IsGoneAndOthersStay()
    {
        SkipIfUnavailable();
        await Store.Clones.TryInsertAsync(Clone("bot1"), None);
        await Store.Clones.TryInsertAsync(Clone("bot2"), None);

        await Store.Clones.DeleteAsync("bot1", None);
        await Store.Clones.DeleteAsync("never-there", None);

        Assert.Null(await Store.Clones.FindAsync("bot1", None));
        Assert.Equal(["bot2"], (await Store.Clones.ListAsync(None)).Select(c => c.Name));
    }

    [SkippableFact]
    public async Task Clone_TwentyParallelInsertsOfOneName_ExactlyOneWins()
    {
        SkipIfUnavailable();

        var results = await Task.WhenAll(Enumerable.Range(1, 20).Select(n => Task.Run(
            () => Store.Clones.TryInsertAsync(Clone("race", n), None))));

        Assert.Single(results, won => won);
        var winner = Array.IndexOf(results, true) + 1;
        Assert.Equal(winner, (await Store.Clones.FindAsync("race", None))!.Number);
    }

    [SkippableFact]
    public async Task PortClaim_TwentyParallelClaimsOfOnePort_ExactlyOneWins()
    {
        SkipIfUnavailable();

        var results = await Task.WhenAll(Enumerable.Range(1, 20).Select(n => Task.Run(
            () => Store.PortClaims.TryClaimAsync(new PortClaim(8100, $"bot{n}", "http"), None))));

        Assert.Single(results, won => won);
        var winner = Array.IndexOf(results, true) + 1;
        Assert.Equal(
            [new PortClaim(8100, $"bot{winner}", "http")],
            await Store.PortClaims.ListAsync(None));
    }

    [SkippableFact]
    public async Task PortClaims_ReleasedForAClone_LeaveOtherClonesClaims()
    {
        SkipIfUnavailable();
        await Store.PortClaims.TryClaimAsync(new PortClaim(8101, "bot1", "http"), None);
        await Store.PortClaims.TryClaimAsync(new PortClaim(9101, "bot1", "vk"), None);
        await Store.PortClaims.TryClaimAsync(new PortClaim(8102, "bot2", "http"), None);

        await Store.PortClaims.ReleaseAsync("bot1", None);

        Assert.Equal([new PortClaim(8102, "bot2", "http")], await Store.PortClaims.ListAsync(None));
        var again = new PortClaim(8101, "bot3", "http");
        Assert.True(await Store.PortClaims.TryClaimAsync(again, None));
    }

    [SkippableFact]
    public async Task StepEvents_AppendedOutOfOrder_AreListedInSequenceOrder()
    {
        SkipIfUnavailable();
        foreach (var sequence in new long[] { 3, 1, 10, 2 })
        {
            await Store.StepEvents.AppendAsync(Step("bot7", sequence), None);
        }

        await Store.StepEvents.AppendAsync(Step("bot8", 1, StepEventKind.Failed), None);

        var events = await Store.StepEvents.ListAsync("bot7", None);
        Assert.Equal([1L, 2L, 3L, 10L], events.Select(e => e.Sequence));
        Assert.Equal(Step("bot7", 10), events[^1]);
        Assert.Equal(
            [Step("bot8", 1, StepEventKind.Failed)],
            await Store.StepEvents.ListAsync("bot8", None));
    }

    [SkippableFact]
    public async Task StepEvent_WithoutDuration_KeepsItsNull()
    {
        SkipIfUnavailable();
        var started = Step("bot7", 1, StepEventKind.Started) with { DurationMs = null };

        await Store.StepEvents.AppendAsync(started, None);

        Assert.Equal([started], await Store.StepEvents.ListAsync("bot7", None));
    }

    [SkippableFact]
    public async Task StepEvent_AppendedTwiceWithOneSequence_IsRefused()
    {
        SkipIfUnavailable();
        await Store.StepEvents.AppendAsync(Step("bot7", 1), None);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store.StepEvents.AppendAsync(Step("bot7", 1, StepEventKind.Failed), None));

        Assert.Equal([Step("bot7", 1)], await Store.StepEvents.ListAsync("bot7", None));
    }

    [SkippableFact]
    public async Task StepEvents_DeletedForAClone_LeaveOtherClonesEvents()
    {
        SkipIfUnavailable();
        await Store.StepEvents.AppendAsync(Step("bot7", 1), None);
        await Store.StepEvents.AppendAsync(Step("bot7", 2), None);
        await Store.StepEvents.AppendAsync(Step("bot8", 1), None);

        await Store.StepEvents.DeleteAsync("bot7", None);

        Assert.Empty(await Store.StepEvents.ListAsync("bot7", None));
        Assert.Single(await Store.StepEvents.ListAsync("bot8", None));
        Assert.Equal([Step("bot8", 1)], await Store.ListAllStepEventsAsync(None));
    }

    [SkippableFact]
    public async Task Component_UpsertedTwice_KeepsOnlyTheLatestRecord()
    {
        SkipIfUnavailable();
        await Store.Components.UpsertAsync(Component("bot7", "bot"), None);
        var exited = Component("bot7", "bot") with
        {
            State = ComponentState.Exited,
            WantedRunning = false,
            Pid = null,
            ProcessStartTicks = null,
            CommandLine = null,
            StartedAt = null,
            ExitCode = 137,
            Restarts = 3,
            Message = null,
            UpdatedAt = Noon.AddMinutes(2),
        };

        await Store.Components.UpsertAsync(exited, None);

        Assert.Equal([exited], await Store.Components.ListAsync(None));
    }

    [SkippableFact]
    public async Task Components_DeletedForAClone_LeaveOtherClonesRecords()
    {
        SkipIfUnavailable();
        await Store.Components.UpsertAsync(Component("bot7", "bot"), None);
        await Store.Components.UpsertAsync(Component("bot7", "vk"), None);
        await Store.Components.UpsertAsync(Component("bot8", "bot"), None);

        await Store.Components.DeleteAsync("bot7", None);

        Assert.Equal([Component("bot8", "bot")], await Store.Components.ListAsync(None));
    }

    [SkippableFact]
    public async Task User_Created_IsFoundByNormalizedNameAndById()
    {
        SkipIfUnavailable();
        var user = User("admin");

        Assert.True(await Store.Users.TryCreateAsync(user, None));

        AssertSame(user, await Store.Users.FindByNormalizedNameAsync("ADMIN", None));
        AssertSame(user, await Store.Users.FindByIdAsync("id-admin", None));
        Assert.Null(await Store.Users.FindByNormalizedNameAsync("admin", None));
        Assert.Null(await Store.Users.FindByIdAsync("id-other", None));
    }

    [SkippableFact]
    public async Task User_UpdatedAfterFailedSignIns_KeepsLockoutEndAndFailedCount()
    {
        SkipIfUnavailable();
        await Store.Users.TryCreateAsync(User("admin"), None);
        var locked = User("admin") with
        {
            AccessFailedCount = 4,
            LockoutEnd = Noon.AddMinutes(15),
            ConcurrencyStamp = "next",
            Roles = ["admin", "operator"],
        };

        await Store.Users.UpdateAsync(locked, None);
        var found = await Store.Users.FindByIdAsync("id-admin", None);

        AssertSame(locked, found);
        Assert.Equal(TimeSpan.Zero, found!.LockoutEnd!.Value.Offset);

        var unlocked = locked with { AccessFailedCount = 0, LockoutEnd = null };
        await Store.Users.UpdateAsync(unlocked, None);
        var reset = await Store.Users.FindByNormalizedNameAsync("ADMIN", None);
        Assert.Equal(0, reset!.AccessFailedCount);
        Assert.Null(reset.LockoutEnd);
    }

    [SkippableFact]
    public async Task User_CreatedWithATakenNameOrId_IsRefused()
    {
        SkipIfUnavailable();
        await Store.Users.TryCreateAsync(User("admin"), None);

        Assert.False(await Store.Users.TryCreateAsync(User("admin") with { Id = "id-2" }, None));
        var sameId = User("other") with { Id = "id-admin" };
        Assert.False(await Store.Users.TryCreateAsync(sameId, None));
        Assert.Equal(1, await Store.Users.CountAsync(None));
    }

    [SkippableFact]
    public async Task User_RenamedToATakenName_Throws()
    {
        SkipIfUnavailable();
        await Store.Users.TryCreateAsync(User("admin"), None);
        await Store.Users.TryCreateAsync(User("other"), None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.Users.UpdateAsync(
            User("other") with { UserName = "admin", NormalizedUserName = "ADMIN" }, None));

        Assert.Equal("id-admin", (await Store.Users.FindByNormalizedNameAsync("ADMIN", None))!.Id);
    }

    [SkippableFact]
    public async Task Users_CountedListedAndDeleted_FollowEachChange()
    {
        SkipIfUnavailable();
        Assert.Equal(0, await Store.Users.CountAsync(None));
        await Store.Users.TryCreateAsync(User("zed"), None);
        await Store.Users.TryCreateAsync(User("admin"), None);

        Assert.Equal(2, await Store.Users.CountAsync(None));
        Assert.Equal(["admin", "zed"], (await Store.Users.ListAsync(None)).Select(u => u.UserName));

        await Store.Users.DeleteAsync("id-zed", None);
        Assert.Equal(1, await Store.Users.CountAsync(None));
        Assert.Null(await Store.Users.FindByIdAsync("id-zed", None));
    }

    [SkippableFact]
    public async Task Audit_Listed_IsNewestFirstAndLimited()
    {
        SkipIfUnavailable();
        var first = new AuditEntry(Noon, "admin", "create", "bot7", "from the dashboard");
        var second = new AuditEntry(Noon.AddSeconds(1), "admin", "stop", "bot7", null);
        var sameTime = new AuditEntry(Noon.AddSeconds(1), "admin", "sign-in", null, null);
        foreach (var entry in new[] { first, second, sameTime })
        {
            await Store.Audit.AppendAsync(entry, None);
        }

        Assert.Equal([sameTime, second, first], await Store.Audit.ListAsync(10, None));
        Assert.Equal([sameTime, second], await Store.Audit.ListAsync(2, None));
        Assert.Empty(await Store.Audit.ListAsync(0, None));
    }

    [SkippableFact]
    public async Task Store_Cleared_HoldsNothingAndStillWorks()
    {
        SkipIfUnavailable();
        await Store.Clones.TryInsertAsync(Clone("bot7"), None);
        await Store.PortClaims.TryClaimAsync(new PortClaim(8100, "bot7", "http"), None);
        await Store.StepEvents.AppendAsync(Step("bot7", 1), None);
        await Store.Components.UpsertAsync(Component("bot7", "bot"), None);
        await Store.Users.TryCreateAsync(User("admin"), None);
        await Store.Audit.AppendAsync(new AuditEntry(Noon, "admin", "create", "bot7", null), None);

        await Store.ClearAsync(None);

        Assert.Empty(await Store.Clones.ListAsync(None));
        Assert.Empty(await Store.PortClaims.ListAsync(None));
        Assert.Empty(await Store.ListAllStepEventsAsync(None));
        Assert.Empty(await Store.Components.ListAsync(None));
        Assert.Equal(0, await Store.Users.CountAsync(None));
        Assert.Empty(await Store.Audit.ListAsync(10, None));
        Assert.True(await Store.Clones.TryInsertAsync(Clone("bot7"), None));
    }

    [SkippableFact]
    public async Task Health_Pinged_Answers()
    {
        SkipIfUnavailable();

        Assert.True(await Store.Health.PingAsync(None));
    }

    private void SkipIfUnavailable() => Skip.If(Unavailable is not null, Unavailable);
}
