using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Web.Components.Clones;
using Cloner.Web.Components.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Cloner.Web.Components.Pages;

/// <summary>
/// The live clone list: a table on wide screens, a card per clone on phones. Every change to
/// a clone, a component or a sample re-reads the list, at most five times a second.
/// </summary>
public sealed partial class CloneList : IAsyncDisposable
{
    /// <summary>The shortest time between two re-reads of the list.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(200);

    private readonly CancellationTokenSource _disposed = new();
    private CloneFeedReader? _feed;
    private IReadOnlyList<CloneView>? _clones;
    private string? _filter;

    [Inject]
    public required CloneService Clones { get; init; }

    [Inject]
    public required CloneFeed Feed { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ILogger<CloneList> Logger { get; init; }

    private IReadOnlyList<CloneView> Shown =>
        string.IsNullOrWhiteSpace(_filter)
            ? _clones ?? []
            : (_clones ?? [])
                .Where(c => c.Record.Name.Contains(_filter.Trim(), StringComparison.OrdinalIgnoreCase))
                .ToList();

    protected override async Task OnInitializedAsync()
    {
        _feed = CloneFeedReader.Start(Feed, IsListChange, OnChangesAsync, RefreshInterval, Logger);
        _clones = await Clones.ListAsync(_disposed.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        if (_feed is not null)
        {
            await _feed.DisposeAsync();
        }

        _disposed.Dispose();
    }

    private static bool IsListChange(CloneChange change) =>
        change is ComponentChanged or CloneUpdated or SampleTaken;

    private async Task OnChangesAsync(IReadOnlyList<CloneChange> changes, CancellationToken token)
    {
        var clones = await Clones.ListAsync(token);
        await InvokeAsync(() =>
        {
            _clones = clones;
            StateHasChanged();
        });
    }

    private async Task OnComponentCommandDone(ComponentRecord record) =>
        _clones = await Clones.ListAsync(_disposed.Token);

    private async Task OpenCreateDialogAsync()
    {
        var options = new DialogOptions
        {
            MaxWidth = MaxWidth.Medium,
            FullWidth = true,
            CloseButton = true,
            BackdropClick = false,
        };
        await Dialogs.ShowAsync<CreateCloneDialog>("New clone", options);
    }

    private static string ClonePath(string name) => $"clones/{Uri.EscapeDataString(name)}";

    private static string PidTestId(string clone, string component) =>
        $"component-{clone}-{component}-pid";

    private static string NoComponents(Clone clone) =>
        $"No components: blueprint '{clone.Blueprint}' is missing or lists none.";
}
