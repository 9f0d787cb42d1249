using Cloner.Domain.Storage;
using Cloner.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Cloner.Web.Identity;

/// <summary>Creates the admin named by <c>Cloner:Admin:*</c> when the store has no user.</summary>
public sealed class BootstrapAdmin(
    ClonerOptions options,
    IUserAccountStore accounts,
    UserManager<ClonerUser> users,
    ILogger<BootstrapAdmin> logger)
{
    public const string AdminRole = "admin";

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var count = await accounts.CountAsync(cancellationToken);
        if (count > 0)
        {
            return;
        }

        if (options.AdminUserName is not { } userName || options.AdminPassword is not { } password)
        {
            logger.LogWarning(
                "No user exists and Cloner:Admin:UserName and Cloner:Admin:Password " +
                "are not set; " +
                "nobody can sign in until they are set and Cloner is restarted");
            return;
        }

        var user = new ClonerUser { UserName = userName, Roles = [AdminRole] };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            var problems = string.Join("; ", result.Errors.Select(e => e.Description));
            var aboutPassword = result.Errors
                .Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal));
            var key = aboutPassword
                ? "Cloner:Admin:Password"
                : "Cloner:Admin:UserName";
            throw new ClonerConfigurationException(
                key, $"the admin user could not be made: {problems}");
        }

        logger.LogInformation("Created the admin user {User} from Cloner:Admin", userName);
    }
}
