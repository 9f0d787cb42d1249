namespace Cloner.Web.Identity;

/// <summary>A dashboard user as ASP.NET Core Identity sees it; stored as a UserAccount.</summary>
public sealed class ClonerUser
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N");

    public string UserName { get; set; } = "";

    public string NormalizedUserName { get; set; } = "";

    public string? PasswordHash { get; set; }

    public string? SecurityStamp { get; set; }

    public string? ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString();

    public bool LockoutEnabled { get; set; } = true;

    public DateTimeOffset? LockoutEnd { get; set; }

    public int AccessFailedCount { get; set; }

    public List<string> Roles { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public override string ToString() => UserName;
}
