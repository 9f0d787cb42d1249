using Cloner.Domain.Storage;
using Microsoft.AspNetCore.Identity;

namespace Cloner.Web.Identity;

/// <summary>
/// ASP.NET Core Identity's user store over the domain's <see cref="IUserAccountStore"/>.
/// Identity changes the <see cref="ClonerUser"/> in memory and then calls UpdateAsync, which
/// writes the whole account back.
/// </summary>
public sealed class ClonerUserStore(IUserAccountStore accounts, TimeProvider time) :
    IUserPasswordStore<ClonerUser>,
    IUserSecurityStampStore<ClonerUser>,
    IUserLockoutStore<ClonerUser>,
    IUserRoleStore<ClonerUser>
{
    public async Task<IdentityResult> CreateAsync(
        ClonerUser user, CancellationToken cancellationToken)
    {
        if (user.CreatedAt == default)
        {
            user.CreatedAt = time.GetUtcNow();
        }

        user.ConcurrencyStamp ??= Guid.NewGuid().ToString();
        var created = await accounts.TryCreateAsync(ToAccount(user), cancellationToken);
        return created
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityErrorDescriber().DuplicateUserName(user.UserName));
    }

    /// <summary>
    /// Writes the user back unless someone changed it since it was read. The check and the
    /// write are two calls to the store, so two updates that race within that gap both pass;
    /// the later one wins.
    /// </summary>
    public async Task<IdentityResult> UpdateAsync(
        ClonerUser user, CancellationToken cancellationToken)
    {
        var stored = await accounts.FindByIdAsync(user.Id, cancellationToken);
        if (stored is null || stored.ConcurrencyStamp != user.ConcurrencyStamp)
        {
            return IdentityResult.Failed(new IdentityErrorDescriber().ConcurrencyFailure());
        }

        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        await accounts.UpdateAsync(ToAccount(user), cancellationToken);
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> DeleteAsync(
        ClonerUser user, CancellationToken cancellationToken)
    {
        await accounts.DeleteAsync(user.Id, cancellationToken);
        return IdentityResult.Success;
    }

    public async Task<ClonerUser?> FindByIdAsync(
        string userId, CancellationToken cancellationToken) =>
        await accounts.FindByIdAsync(userId, cancellationToken) is { } account
            ? FromAccount(account)
            : null;

    public async Task<ClonerUser?> FindByNameAsync(
        string normalizedUserName, CancellationToken cancellationToken) =>
        await accounts.FindByNormalizedNameAsync(normalizedUserName, cancellationToken) is { } a
            ? FromAccount(a)
            : null;

    public Task<string> GetUserIdAsync(ClonerUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.Id);

    public Task<string?> GetUserNameAsync(ClonerUser user, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(user.UserName);

    public Task SetUserNameAsync(
        ClonerUser user, string? userName, CancellationToken cancellationToken)
    {
        user.UserName = userName ?? "";
        return Task.CompletedTask;
    }

    public Task<string?> GetNormalizedUserNameAsync(
        ClonerUser user, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(user.NormalizedUserName);

    public Task SetNormalizedUserNameAsync(
        ClonerUser user, string? normalizedName, CancellationToken cancellationToken)
    {
        user.NormalizedUserName = normalizedName ?? "";
        return Task.CompletedTask;
    }

    public Task SetPasswordHashAsync(
        ClonerUser user, string? passwordHash, CancellationToken cancellationToken)
    {
        user.PasswordHash = passwordHash;
        return Task.CompletedTask;
    }

    public Task<string?> GetPasswordHashAsync(
        ClonerUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.PasswordHash);

    public Task<bool> HasPasswordAsync(ClonerUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.PasswordHash is not null);

    public Task SetSecurityStampAsync(
        ClonerUser user, string stamp, CancellationToken cancellationToken)
    {
        user.SecurityStamp = stamp;
        return Task.CompletedTask;
    }

    public Task<string?> GetSecurityStampAsync(
        ClonerUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.SecurityStamp);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(
        ClonerUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.LockoutEnd);

    public Task SetLockoutEndDateAsync(
        ClonerUser user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken)
    {
        user.LockoutEnd = lockoutEnd;
        return Task.CompletedTask;
    }

    public Task<int> IncrementAccessFailedCountAsync(
        ClonerUser user, CancellationToken cancellationToken)
    {
        user.AccessFailedCount++;
        return Task.FromResult(user.AccessFailedCount);
    }

    public Task ResetAccessFailedCountAsync(ClonerUser user, CancellationToken cancellationToken)
    {
        user.AccessFailedCount = 0;
        return Task.CompletedTask;
    }

    public Task<int> GetAccessFailedCountAsync(
        ClonerUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.AccessFailedCount);

    public Task<bool> GetLockoutEnabledAsync(
        ClonerUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.LockoutEnabled);

    public Task SetLockoutEnabledAsync(
        ClonerUser user, bool enabled, CancellationToken cancellationToken)
    {
        user.LockoutEnabled = enabled;
        return Task.CompletedTask;
    }

    public Task AddToRoleAsync(
        ClonerUser user, string roleName, CancellationToken cancellationToken)
    {
        if (!user.Roles.Contains(roleName, StringComparer.OrdinalIgnoreCase))
        {
            user.Roles.Add(roleName);
        }

        return Task.CompletedTask;
    }

    public Task RemoveFromRoleAsync(
        ClonerUser user, string roleName, CancellationToken cancellationToken)
    {
        user.Roles.RemoveAll(r => string.Equals(r, roleName, StringComparison.OrdinalIgnoreCase));
        return Task.CompletedTask;
    }

    public Task<IList<string>> GetRolesAsync(
        ClonerUser user, CancellationToken cancellationToken) =>
        Task.FromResult<IList<string>>([.. user.Roles]);

    public Task<bool> IsInRoleAsync(
        ClonerUser user, string roleName, CancellationToken cancellationToken) =>
        Task.FromResult(user.Roles.Contains(roleName, StringComparer.OrdinalIgnoreCase));

    public async Task<IList<ClonerUser>> GetUsersInRoleAsync(
        string roleName, CancellationToken cancellationToken)
    {
        var all = await accounts.ListAsync(cancellationToken);
        return all.Where(a => a.Roles.Contains(roleName, StringComparer.OrdinalIgnoreCase))
            .Select(FromAccount)
            .ToList();
    }

    public void Dispose()
    {
    }

    internal static UserAccount ToAccount(ClonerUser user) => new()
    {
        Id = user.Id,
        UserName = user.UserName,
        NormalizedUserName = user.NormalizedUserName,
        PasswordHash = user.PasswordHash,
        SecurityStamp = user.SecurityStamp,
        ConcurrencyStamp = user.ConcurrencyStamp,
        LockoutEnabled = user.LockoutEnabled,
        LockoutEnd = user.LockoutEnd,
        AccessFailedCount = user.AccessFailedCount,
        Roles = [.. user.Roles],
        CreatedAt = user.CreatedAt,
    };

    internal static ClonerUser FromAccount(UserAccount account) => new()
    {
        Id = account.Id,
        UserName = account.UserName,
        NormalizedUserName = account.NormalizedUserName,
        PasswordHash = account.PasswordHash,
        SecurityStamp = account.SecurityStamp,
        ConcurrencyStamp = account.ConcurrencyStamp,
        LockoutEnabled = account.LockoutEnabled,
        LockoutEnd = account.LockoutEnd,
        AccessFailedCount = account.AccessFailedCount,
        Roles = [.. account.Roles],
        CreatedAt = account.CreatedAt,
    };
}
