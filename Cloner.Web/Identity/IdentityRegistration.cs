using Cloner.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Cloner.Web.Identity;

public static class IdentityRegistration
{
    public const int MaxFailedAttempts = 5;

    public static TimeSpan LockoutTime { get; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Identity over the domain's user store, the sign-in cookie, and a fallback policy that
    /// asks for a signed-in user wherever an endpoint does not say otherwise.
    /// </summary>
    public static IServiceCollection AddClonerIdentity(
        this IServiceCollection services, ClonerOptions options)
    {
        // The keys that sign the cookie are kept unencrypted in DataDir/keys, so anyone who can
        // read that folder can forge a sign-in; keep DataDir readable by Cloner's user only.
        services.AddDataProtection()
            .SetApplicationName("Cloner")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDir, "keys")));

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(ConfigureCookie);
        services.AddIdentityCore<ClonerUser>(ConfigureIdentity)
            .AddUserStore<ClonerUserStore>()
            .AddSignInManager();

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(
                new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<BootstrapAdmin>();
        return services;
    }

    internal static void ConfigureIdentity(IdentityOptions identity)
    {
        identity.Lockout.MaxFailedAccessAttempts = MaxFailedAttempts;
        identity.Lockout.DefaultLockoutTimeSpan = LockoutTime;
        identity.Lockout.AllowedForNewUsers = true;
        identity.Password.RequiredLength = 8;
        identity.Password.RequireDigit = false;
        identity.Password.RequireLowercase = false;
        identity.Password.RequireUppercase = false;
        identity.Password.RequireNonAlphanumeric = false;
        identity.Password.RequiredUniqueChars = 1;
        identity.User.RequireUniqueEmail = false;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.Name = "Cloner.Auth";
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.LoginPath = "/login";
        cookie.LogoutPath = "/logout";
        cookie.AccessDeniedPath = "/login";
        cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
        cookie.SlidingExpiration = true;
        cookie.Events.OnRedirectToLogin = context => ApiOr(context,
            StatusCodes.Status401Unauthorized,
            "Sign in first: POST api/session with userName and password, or use the login page.");
        cookie.Events.OnRedirectToAccessDenied = context => ApiOr(context,
            StatusCodes.Status403Forbidden, "The signed-in user may not do this.");
    }

    /// <summary>API calls get a problem with the status; pages get the usual redirect.</summary>
    private static Task ApiOr(
        Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context,
        int status,
        string detail)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        var problem = TypedResults.Problem(detail, statusCode: status);
        return problem.ExecuteAsync(context.HttpContext);
    }
}
