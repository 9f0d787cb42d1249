using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Web.Components.Clones;
using Cloner.Infrastructure.Processes;
using Cloner.Web.Components.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Cloner.Web.Components.Pages;

/// <summary>
/// The live clone list: a table on wide screens, a card per clone on phones. A change to a
/// clone or a component re-reads the list, at most five times a second; a sample only adds
/// to the sparklines' history and re-renders.
/// </summary>
public sealed partial class CloneList : IAsyncDisposable
{
    /// <summary>Which clones the state buttons show.</summary>
    public enum StateFilter
    {
        All,
        Running,
        Stopped,
        Problem,
    }

    private static readonly (StateFilter, string)[] StateFilters =
    [
        (StateFilter.All, "All"),
        (StateFilter.Running, "Running"),
        (StateFilter.Stopped, "Stopped"),
        (StateFilter.Problem, "Problems"),
    ];

    /// <summary>The shortest time between two re-reads of the list.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(200);

    private readonly CancellationTokenSource _disposed = new();
    private CloneFeedReader? _feed;
    private IReadOnlyList<CloneView>? _clones;
    private readonly HashSet<string> _busy = new(StringComparer.Ordinal);
    private string? _filter;
    private StateFilter _state = StateFilter.All;
    private SampleHistory? _history;
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    [Inject]
    public required CloneService Clones { get; init; }

    [Inject]
    public required CloneFeed Feed { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ILogger<CloneList> Logger { get; init; }

    /// <summary>Looked up rather than required: the monitor's history is a concrete
    /// infrastructure class, and without it the sparklines start empty and fill live.</summary>
    [Inject]
    public required IServiceProvider Services { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The server's totals from the process monitor, refreshed with every render.</summary>
    private HostSample? HostTotals => Services.GetService<ResourceMonitor>()?.Host;

    private SampleHistory History => _history ??= new SampleHistory(
        Services.GetService<ResourceMonitor>() is { } monitor ? monitor.History : (_, _) => []);

    private IReadOnlyList<CloneView> Shown =>
        (_clones ?? []).Where(c => NameMatches(c) && StateMatches(c)).ToList();

    private string FilterText =>
        (string.IsNullOrWhiteSpace(_filter) ? "" : $"name contains \"{_filter.Trim()}\"")
        + (string.IsNullOrWhiteSpace(_filter) || _state == StateFilter.All ? "" : " and ")
        + (_state == StateFilter.All ? "" : $"state {_state.ToString().ToLowerInvariant()}");

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
        var clones = changes.Any(c => c is not SampleTaken)
            ? await Clones.ListAsync(token)
            : null;
        await InvokeAsync(() =>
        {
            foreach (var taken in changes.OfType<SampleTaken>())
            {
                History.Add(taken.CloneName, taken.Component, taken.Sample);
            }

            _clones = clones ?? _clones;
            _now = Time.GetUtcNow();
            StateHasChanged();
        });
    }

    protected override void OnAfterRender(bool firstRender) => _now = Time.GetUtcNow();

    /// <summary>The live sample when one came lately, else the one read with the list.</summary>
    /// <summary>The latest CPU and memory of a component with a process, else none.</summary>
    private ResourceSample? SampleOf(string clone, ComponentView component) =>
        Display.HasProcess(component.Record)
            ? History.Latest(clone, component.Name, Time.GetUtcNow()) ?? component.Sample
            : null;

    /// <summary>The recent samples of a component with a process; none when nothing runs.</summary>
    private IEnumerable<ResourceSample> HistoryOf(string clone, ComponentView component) =>
        Display.HasProcess(component.Record) ? History.Of(clone, component.Name) : [];

    private List<double> CpuHistoryOf(string clone, ComponentView component) =>
        HistoryOf(clone, component).Select(s => s.CpuPercent).ToList();

    private List<double> MemoryHistoryOf(string clone, ComponentView component) =>
        HistoryOf(clone, component).Select(s => (double)s.MemoryBytes).ToList();

    private bool CommandsOff(Clone clone) =>
        _busy.Contains(clone.Name) || !Display.TakesCommands(clone);

    private bool NameMatches(CloneView clone) =>
        string.IsNullOrWhiteSpace(_filter)
        || clone.Record.Name.Contains(_filter.Trim(), StringComparison.OrdinalIgnoreCase);

    private bool StateMatches(CloneView clone) => _state switch
    {
        StateFilter.Running => clone.Components.Any(c => IsUp(c.Record)),
        StateFilter.Stopped => !clone.Components.Any(c => IsUp(c.Record)),
        StateFilter.Problem => clone.Record.Status == CloneStatus.Failed
            || clone.Components.Any(c => IsProblem(c.Record)),
        _ => true,
    };

    private static bool IsUp(ComponentRecord record) =>
        record.State is ComponentState.Running or ComponentState.Starting;

    private static bool IsProblem(ComponentRecord record) =>
        record.State is ComponentState.Fatal or ComponentState.Backoff
        || record is { State: ComponentState.Exited, ExitCode: not 0 };

    private void SetBusy(string clone, bool busy)
    {
        if (busy)
        {
            _busy.Add(clone);
        }
        else
        {
            _busy.Remove(clone);
        }
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
