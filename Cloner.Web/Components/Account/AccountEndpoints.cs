using Cloner.Web.Identity;
using Microsoft.AspNetCore.Identity;

namespace Cloner.Web.Components.Account;

public static class AccountEndpoints
{
    /// <summary>
    /// <c>POST {base}/logout</c>, from a form with an antiforgery token: signs out and goes to
    /// the login page. Sign-out only removes this browser's cookie: a copy of the cookie taken
    /// earlier stays valid until it expires (12 hours), because the security stamp is not renewed.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/logout", async (
            HttpContext http,
            SignInManager<ClonerUser> signIn,
            IFormCollection form) =>
        {
            // Binding the form makes the antiforgery middleware check the token and refuses
            // any body but a form, which a text/plain post would otherwise slip past.
            _ = form;
            await signIn.SignOutAsync();
            return Results.Redirect($"{http.Request.PathBase}/login");
        })
            .AllowAnonymous();
        return endpoints;
    }
}
