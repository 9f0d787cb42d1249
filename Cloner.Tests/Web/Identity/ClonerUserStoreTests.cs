using Cloner.Web.Identity;
using Microsoft.AspNetCore.Identity;

namespace Cloner.Tests.Web.Identity;

public sealed class ClonerUserStoreTests
{
    [Fact]
    public async Task Create_NewUser_StoredWithHashNotPassword()
    {
        await using var host = new IdentityTestHost();

        var user = await host.CreateUserAsync("Admin");

        var stored = await host.Accounts.FindByNormalizedNameAsync(
            "ADMIN", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(user.Id, stored.Id);
        Assert.Equal("Admin", stored.UserName);
        Assert.NotNull(stored.PasswordHash);
        Assert.DoesNotContain(IdentityTestHost.Password, stored.PasswordHash);
        Assert.NotNull(stored.SecurityStamp);
        Assert.True(stored.LockoutEnabled);
    }

    [Fact]
    public async Task Create_NameTakenInOtherCase_FailsAsDuplicate()
    {
        await using var host = new IdentityTestHost();
        await host.CreateUserAsync("admin");

        var result = await host.Users.CreateAsync(
            new ClonerUser { UserName = "ADMIN" }, "another-pass-1");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors,
            e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName));
    }

    [Fact]
    public async Task AccessFailed_FiveTimes_LockedForFiveMinutesAndCountReset()
    {
        await using var host = new IdentityTestHost();
        var user = await host.CreateUserAsync("admin");

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await host.Users.AccessFailedAsync((await host.Users.FindByIdAsync(user.Id))!);
            var between = await host.Accounts.FindByIdAsync(user.Id, CancellationToken.None);
            Assert.Equal(attempt, between!.AccessFailedCount);
            Assert.Null(between.LockoutEnd);
        }

        await host.Users.AccessFailedAsync((await host.Users.FindByIdAsync(user.Id))!);

        var locked = await host.Accounts.FindByIdAsync(user.Id, CancellationToken.None);
        Assert.Equal(0, locked!.AccessFailedCount);
        Assert.NotNull(locked.LockoutEnd);
        var left = locked.LockoutEnd.Value - DateTimeOffset.UtcNow;
        Assert.InRange(left, TimeSpan.FromMinutes(4.9), TimeSpan.FromMinutes(5));
        Assert.True(await host.Users.IsLockedOutAsync((await host.Users.FindByIdAsync(user.Id))!));
    }

    [Fact]
    public async Task Update_UserChangedSinceRead_FailsWithConcurrencyFailure()
    {
        await using var host = new IdentityTestHost();
        var user = await host.CreateUserAsync("admin");
        var first = (await host.Users.FindByIdAsync(user.Id))!;
        var second = (await host.Users.FindByIdAsync(user.Id))!;
        Assert.True((await host.Users.AccessFailedAsync(first)).Succeeded);

        var result = await host.Users.AccessFailedAsync(second);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors,
            e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure));
    }
}
