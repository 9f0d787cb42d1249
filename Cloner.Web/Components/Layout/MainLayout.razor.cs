using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Cloner.Web.Components.Layout;

/// <summary>The app bar, the navigation drawer and MudBlazor's providers, once per circuit.</summary>
public sealed partial class MainLayout
{
    private readonly MudTheme _theme = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Roboto", "Helvetica", "Arial", "sans-serif"],
            },
        },
    };

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private MudThemeProvider? _themeProvider;
    private bool _isDarkMode;
    private bool _drawerOpen = true;

    /// <summary>
    /// Snackbars sit at the bottom: at the top right they covered the Delete and New clone
    /// buttons and the dialogs' close X on a phone. They stay few and short.
    /// </summary>
    public static void PlaceSnackbars(SnackbarConfiguration configuration)
    {
        configuration.PositionClass = Defaults.Classes.Position.BottomCenter;
        configuration.MaxDisplayedSnackbars = 3;
        configuration.VisibleStateDuration = 4000;
        configuration.ShowCloseIcon = true;
    }

    protected override void OnInitialized() => PlaceSnackbars(Snackbar.Configuration);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && _themeProvider is not null)
        {
            // The provider follows later changes itself (ObserveSystemDarkModeChange); the
            // browser's setting at load time has to be asked for once.
            _isDarkMode = await _themeProvider.GetSystemDarkModeAsync();
            StateHasChanged();
        }
    }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;
}
