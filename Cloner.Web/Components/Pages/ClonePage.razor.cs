using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Web.Components.Clones;
using Cloner.Web.Components.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Cloner.Web.Components.Pages;

/// <summary>
/// One clone: its record, steps and components, and a live log per component. Log lines
/// arrive from the feed and are appended; any other change to the clone re-reads it.
/// </summary>
public sealed partial class ClonePage : IAsyncDisposable
{
    /// <summary>How many lines are read when the page opens, per component.</summary>
    public const int TailLines = 200;

    /// <summary>How many lines the page keeps per component; older ones are dropped.</summary>
    public const int KeptLines = 2000;

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(200);

    private readonly Dictionary<string, List<LogLine>> _logs = new(StringComparer.Ordinal);
    private CloneFeedReader? _feed;
    private CancellationTokenSource _stop = new();
    private string? _watching;
    private CloneDetails? _details;
    private bool _loaded;
    private bool _deleted;
    private long _dropped;

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
        _logs.Clear();
        _stop = new CancellationTokenSource();

        // Subscribe before reading, so nothing that happens in between is missed.
        _feed = CloneFeedReader.Start(
            Feed, c => c.CloneName == Name, OnChangesAsync, RefreshInterval, Logger);
        _details = await Clones.GetAsync(Name, _stop.Token);
        if (_details is not null)
        {
            foreach (var (component, lines) in await TailAllAsync(_details, _stop.Token))
            {
                Append(component, lines);
            }
        }

        _loaded = true;
    }

    public async ValueTask DisposeAsync()
    {
        await StopWatchingAsync();
        _stop.Dispose();
    }

    private async Task OnChangesAsync(IReadOnlyList<CloneChange> changes, CancellationToken token)
    {
        var details = _details;
        if (changes.Any(c => c is not LogLinesWritten))
        {
            details = await Clones.GetAsync(Name, token);
        }

        // A reader that fell behind lost lines; read the tails again rather than show a gap.
        var dropped = _feed?.Dropped ?? 0;
        var tails = dropped != _dropped && details is not null
            ? await TailAllAsync(details, token)
            : null;

        await InvokeAsync(() =>
        {
            _dropped = dropped;
            _details = details;
            _deleted |= changes.Any(c => c is CloneUpdated { Current: null });
            if (tails is not null)
            {
                _logs.Clear();
                foreach (var (component, lines) in tails)
                {
                    Append(component, lines);
                }
            }

            foreach (var written in changes.OfType<LogLinesWritten>())
            {
                Append(written.Component, written.Lines);
            }

            StateHasChanged();
        });
    }

    private async Task<List<(string Component, IReadOnlyList<LogLine> Lines)>> TailAllAsync(
        CloneDetails details, CancellationToken token)
    {
        var tails = new List<(string, IReadOnlyList<LogLine>)>();
        foreach (var component in details.View.Components)
        {
            try
            {
                tails.Add((component.Name,
                    await Clones.TailAsync(Name, component.Name, TailLines, token)));
            }
            catch (CloneRequestException ex)
            {
                // The clone or its blueprint went away meanwhile; the page shows that instead.
                Logger.LogDebug(ex, "No tail for {Component} of {Clone}", component.Name, Name);
            }
        }

        return tails;
    }

    private List<LogLine> LogOf(string component) =>
        _logs.TryGetValue(component, out var lines) ? lines : [];

    private void Append(string component, IReadOnlyList<LogLine> lines)
    {
        if (!_logs.TryGetValue(component, out var kept))
        {
            _logs[component] = kept = [];
        }

        var last = kept.Count == 0 ? long.MinValue : kept[^1].Number;
        kept.AddRange(lines.Where(l => l.Number > last));
        if (kept.Count > KeptLines)
        {
            kept.RemoveRange(0, kept.Count - KeptLines);
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

    private async Task OnComponentCommandDone(ComponentRecord record) =>
        _details = await Clones.GetAsync(Name, _stop.Token) ?? _details;

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

        _details = await Clones.GetAsync(Name, _stop.Token);
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
