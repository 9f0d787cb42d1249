using Microsoft.AspNetCore.Identity;

namespace Cloner.Web.Identity;

public enum SignInOutcome
{
    SignedIn,

    /// <summary>Unknown user name or wrong password.</summary>
    Wrong,

    /// <summary>A wrong password that used up the last attempt: the account locks now.</summary>
    WrongAndLockedNow,

    /// <summary>The account was locked before this attempt; the password went unchecked.</summary>
    LockedOut,
}

/// <param name="LockedFor">How long the lockout still lasts, for the two locked outcomes.</param>
public sealed record SignInAttempt(SignInOutcome Outcome, TimeSpan? LockedFor)
{
    /// <summary>The lockout in whole minutes, rounded up, for "try again in N minutes".</summary>
    public int LockedMinutes =>
        LockedFor is { } left ? Math.Max(1, (int)Math.Ceiling(left.TotalMinutes)) : 0;
}

/// <summary>
/// Signs a user in with a password and tells apart a lockout that this attempt caused from
/// one that was already there, so the API answers the attempt that locks with 401 and only
/// later attempts with 429. Shared by the login page and <c>POST /api/session</c>.
/// </summary>
public sealed class PasswordSignIn(
    SignInManager<ClonerUser> signIn,
    UserManager<ClonerUser> users,
    TimeProvider time,
    ILogger<PasswordSignIn> logger)
{
    public async Task<SignInAttempt> TryAsync(string userName, string password, bool persistent)
    {
        var user = string.IsNullOrEmpty(userName) ? null : await users.FindByNameAsync(userName);
        if (user is null)
        {
            logger.LogWarning("Sign-in refused: no user named {User}", userName);
            return new SignInAttempt(SignInOutcome.Wrong, null);
        }

        if (await users.IsLockedOutAsync(user))
        {
            logger.LogWarning("Sign-in refused: user {User} is locked out", user.UserName);
            return new SignInAttempt(SignInOutcome.LockedOut, LockedFor(user));
        }

        var result = await signIn.PasswordSignInAsync(
            user, password, persistent, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            logger.LogInformation("User {User} signed in", user.UserName);
            return new SignInAttempt(SignInOutcome.SignedIn, null);
        }

        if (result.IsLockedOut)
        {
            var locked = await users.FindByIdAsync(user.Id) ?? user;
            logger.LogWarning(
                "User {User} is locked out after too many wrong passwords", user.UserName);
            return new SignInAttempt(SignInOutcome.WrongAndLockedNow, LockedFor(locked));
        }

        logger.LogWarning("Sign-in refused: wrong password for user {User}", user.UserName);
        return new SignInAttempt(SignInOutcome.Wrong, null);
    }

    private TimeSpan? LockedFor(ClonerUser user) =>
        user.LockoutEnd is { } end && end > time.GetUtcNow() ? end - time.GetUtcNow() : null;
}
