using Cloner.Web.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Antiforgery;

namespace Cloner.Web.Components.Account;

public static class AccountEndpoints
{
    /// <summary>
    /// <c>POST {base}/logout</c>, from a form with an antiforgery token: signs out and goes to
    /// the login page.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/logout", async (
            HttpContext http,
            SignInManager<ClonerUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.Redirect($"{http.Request.PathBase}/login");
        })
            .AllowAnonymous()
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        return endpoints;
    }
}
