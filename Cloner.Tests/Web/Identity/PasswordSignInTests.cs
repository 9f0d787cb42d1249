using Cloner.Web.Identity;

namespace Cloner.Tests.Web.Identity;

public sealed class PasswordSignInTests
{
    [Fact]
    public async Task SignIn_RightPassword_SignedInWithCookie()
    {
        await using var host = new IdentityTestHost();
        await host.CreateUserAsync("admin");

        var attempt = await host.SignIn.TryAsync(
            "admin", IdentityTestHost.Password, persistent: false);

        Assert.Equal(SignInOutcome.SignedIn, attempt.Outcome);
        var cookie = host.Http.Response.Headers.SetCookie.ToString();
        Assert.Contains("Cloner.Auth=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignIn_WrongPasswordSixTimes_FifthLocksAndSixthIsLockedOut()
    {
        await using var host = new IdentityTestHost();
        await host.CreateUserAsync("admin");

        var outcomes = new List<SignInOutcome>();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var result = await host.SignIn.TryAsync("admin", "wrong", persistent: false);
            outcomes.Add(result.Outcome);
        }

        Assert.Equal(
            [
                SignInOutcome.Wrong, SignInOutcome.Wrong, SignInOutcome.Wrong, SignInOutcome.Wrong,
                SignInOutcome.WrongAndLockedNow, SignInOutcome.LockedOut,
            ],
            outcomes);
    }

    [Fact]
    public async Task SignIn_RightPasswordWhileLockedOut_LockedOutForAboutFiveMinutes()
    {
        await using var host = new IdentityTestHost();
        await host.CreateUserAsync("admin");
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await host.SignIn.TryAsync("admin", "wrong", persistent: false);
        }

        var locked = await host.SignIn.TryAsync(
            "admin", IdentityTestHost.Password, persistent: false);

        Assert.Equal(SignInOutcome.LockedOut, locked.Outcome);
        Assert.Equal(5, locked.LockedMinutes);
        Assert.True(string.IsNullOrEmpty(host.Http.Response.Headers.SetCookie.ToString()));
    }

    [Fact]
    public async Task SignIn_UnknownUser_WrongWithoutCreatingAnyone()
    {
        await using var host = new IdentityTestHost();

        var attempt = await host.SignIn.TryAsync("nobody", "whatever", persistent: false);

        Assert.Equal(SignInOutcome.Wrong, attempt.Outcome);
        Assert.Equal(0, await host.Accounts.CountAsync(CancellationToken.None));
    }
}
