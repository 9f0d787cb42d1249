using Cloner.Web.Identity;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cloner.Web.Api;

/// <summary><c>POST /api/session</c> signs in, setting the cookie; DELETE signs out.</summary>
public static class SessionEndpoints
{
    private const string Example = """{"userName":"admin","password":"..."}""";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/session", SignInAsync).AllowAnonymous();
        api.MapDelete("/session", SignOutAsync);
    }

    private static async Task<IResult> SignInAsync(
        HttpContext http,
        PasswordSignIn signIn,
        IOptions<JsonOptions> json)
    {
        var (body, errors) = await JsonBody.ReadAsync<SessionRequest>(
            http.Request, json.Value.SerializerOptions, Example, http.RequestAborted);
        errors ??= Missing(body!);
        if (errors.Count > 0)
        {
            return Results.Problem(ApiProblems.Validation(errors));
        }

        var attempt = await signIn.TryAsync(body!.UserName!, body.Password!, persistent: false);
        switch (attempt.Outcome)
        {
            case SignInOutcome.SignedIn:
                return Results.Ok(new SessionModel(body.UserName!));
            case SignInOutcome.LockedOut:
                var seconds = (int)Math.Ceiling(attempt.LockedFor?.TotalSeconds ?? 60);
                http.Response.Headers.RetryAfter = seconds.ToString(
                    System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(ApiProblems.Problem(StatusCodes.Status429TooManyRequests,
                    "Locked out",
                    "Too many wrong passwords: locked out; " +
                    $"try again in {attempt.LockedMinutes} minutes."));
            default:
                return Results.Problem(ApiProblems.Problem(StatusCodes.Status401Unauthorized,
                    "Sign-in refused", "Wrong user name or password."));
        }
    }

    private static async Task<IResult> SignOutAsync(SignInManager<ClonerUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.NoContent();
    }

    private static Dictionary<string, string[]> Missing(SessionRequest body)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(body.UserName))
        {
            errors["userName"] = ["userName is required"];
        }

        if (string.IsNullOrEmpty(body.Password))
        {
            errors["password"] = ["password is required"];
        }

        return errors;
    }
}
