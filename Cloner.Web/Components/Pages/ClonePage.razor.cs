using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Web.Components.Clones;
using Cloner.Web.Components.Live;
using Cloner.Web.Components.Logs;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Cloner.Web.Components.Pages;

/// <summary>
/// One clone: its record, steps and components, and its live logs (in <see cref="LogPanel"/>,
/// which reads log lines itself). Any other change to the clone re-reads it, at most five
/// times a second, so a create still running shows its steps as they are reported.
/// </summary>
public sealed partial class ClonePage : IAsyncDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(200);

    private CloneFeedReader? _feed;
    private CancellationTokenSource _stop = new();
    private string? _watching;
    private CloneDetails? _details;
    private bool _loaded;
    private bool _deleted;
    private bool _cloneCommandBusy;
    private IReadOnlyList<string> _componentNames = [];

    [Inject]
    public required CloneService Clones { get; init; }

    [Inject]
    public required CloneFeed Feed { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required ILogger<ClonePage> Logger { get; init; }

    [Parameter]
    public required string Name { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (_watching == Name)
        {
            return;
        }

        await StopWatchingAsync();
        _watching = Name;
        _loaded = false;
        _deleted = false;
        _details = null;
        _stop = new CancellationTokenSource();

        // Subscribe before reading, so nothing that happens in between is missed.
        _feed = CloneFeedReader.Start(Feed, IsPageChange, OnChangesAsync, RefreshInterval, Logger);
        Show(await Clones.GetAsync(Name, _stop.Token));
        _loaded = true;
    }

    public async ValueTask DisposeAsync()
    {
        await StopWatchingAsync();
        _stop.Dispose();
    }

    /// <summary>The component names, the same list as long as they stay the same.</summary>
    private IReadOnlyList<string> ComponentNames => _componentNames;

    private bool IsPageChange(CloneChange change) =>
        change.CloneName == Name && change is not LogLinesWritten;

    private async Task OnChangesAsync(IReadOnlyList<CloneChange> changes, CancellationToken token)
    {
        var details = await Clones.GetAsync(Name, token);
        await InvokeAsync(() =>
        {
            _deleted |= changes.Any(c => c is CloneUpdated { Current: null });
            Show(details);
            StateHasChanged();
        });
    }

    private void Show(CloneDetails? details)
    {
        _details = details;
        var names = details?.View.Components.Select(c => c.Name).ToList() ?? [];
        if (!names.SequenceEqual(_componentNames))
        {
            _componentNames = names;
        }
    }

    private IEnumerable<(string Key, string Label, string Value)> ShownInputs(Clone clone)
    {
        var blueprint = Clones.Blueprints().Find(clone.Blueprint);
        foreach (var (key, value) in clone.Inputs)
        {
            var input = blueprint?.Inputs.FirstOrDefault(i => i.Key == key);
            if (input is { Secret: true })
            {
                continue;
            }

            yield return (key, input?.Label ?? key, value);
        }
    }

    /// <summary>
    /// While a start all or stop all of this clone runs, the components' own buttons wait;
    /// when it ends the page reads the clone again, as after a single command.
    /// </summary>
    private async Task OnCloneCommandBusy(bool busy)
    {
        _cloneCommandBusy = busy;
        if (!busy && await Clones.GetAsync(Name, _stop.Token) is { } details)
        {
            Show(details);
        }
    }

    private bool ComponentCommandsOff(Clone clone) =>
        _cloneCommandBusy || !Display.TakesCommands(clone);

    private async Task OnComponentCommandDone(ComponentRecord record)
    {
        if (await Clones.GetAsync(Name, _stop.Token) is { } details)
        {
            Show(details);
        }
    }

    /// <summary>The last sample of a component with a process; a stopped one's is stale.</summary>
    private static ResourceSample? SampleOf(ComponentView component) =>
        Display.HasProcess(component.Record) ? component.Sample : null;

    private async Task OpenDeleteDialogAsync()
    {
        var parameters = new DialogParameters<DeleteCloneDialog>
        {
            { d => d.CloneName, Name },
        };
        var options = new DialogOptions
        {
            MaxWidth = MaxWidth.Medium,
            FullWidth = true,
            CloseButton = true,
            BackdropClick = false,
        };
        var dialog = await Dialogs.ShowAsync<DeleteCloneDialog>($"Delete {Name}", parameters, options);
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            Snackbar.Add($"Clone {Name} deleted", Severity.Success);
            Navigation.NavigateTo("");
            return;
        }

        Show(await Clones.GetAsync(Name, _stop.Token));
    }

    private async Task StopWatchingAsync()
    {
        await _stop.CancelAsync();
        if (_feed is { } feed)
        {
            _feed = null;
            await feed.DisposeAsync();
        }
    }
}
