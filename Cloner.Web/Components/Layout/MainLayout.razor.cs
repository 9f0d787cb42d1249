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

    private MudThemeProvider? _themeProvider;
    private bool _isDarkMode;
    private bool _drawerOpen = true;

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
