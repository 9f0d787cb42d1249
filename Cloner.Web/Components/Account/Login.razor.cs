using Cloner.Web.Identity;
using Microsoft.AspNetCore.Components;

namespace Cloner.Web.Components.Account;

/// <summary>
/// The sign-in form. It renders on the server without interactivity, because the cookie can
/// only be set on an HTTP response, not over a circuit.
/// </summary>
public sealed partial class Login
{
    [Inject]
    public required PasswordSignIn SignIn { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    [SupplyParameterFromQuery]
    public string? ReturnUrl { get; set; }

    [SupplyParameterFromForm]
    public LoginInput? Input { get; set; }

    private string? Error { get; set; }

    protected override void OnInitialized() => Input ??= new LoginInput();

    private async Task SignInAsync()
    {
        Input ??= new LoginInput();
        var attempt = await SignIn.TryAsync(
            Input.UserName ?? "", Input.Password ?? "", persistent: true);
        switch (attempt.Outcome)
        {
            case SignInOutcome.SignedIn:
                Navigation.NavigateTo(LocalTarget(Input.ReturnUrl), forceLoad: true);
                break;
            case SignInOutcome.LockedOut or SignInOutcome.WrongAndLockedNow:
                Error = $"Locked out; try again in {attempt.LockedMinutes} minutes.";
                break;
            default:
                Error = "Wrong user name or password.";
                break;
        }
    }

    /// <summary>The ReturnUrl when it is a path on this site, else the dashboard.</summary>
    private string LocalTarget(string? returnUrl)
    {
        var home = $"{HttpContext?.Request.PathBase}/";
        return IsLocal(returnUrl) ? returnUrl! : home;
    }

    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    public sealed class LoginInput
    {
        public string? UserName { get; set; }

        public string? Password { get; set; }

        public string? ReturnUrl { get; set; }
    }
}
