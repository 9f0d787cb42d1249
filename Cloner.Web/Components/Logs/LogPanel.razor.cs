using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Web.Components.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Cloner.Web.Components.Logs;

/// <summary>
/// Reads a clone's log backlog, then appends the lines the feed brings, at most ten batches
/// a second. Follows the end while the operator is at the bottom; scrolling up stops that
/// and scrolling back down resumes it (a small script reports where the view is).
/// </summary>
public sealed partial class LogPanel : IAsyncDisposable
{
    /// <summary>How many lines per component are read from the ring when the panel opens.</summary>
    public const int BacklogLines = 1000;

    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(100);

    private readonly CloneLog _log = new();
    private CancellationTokenSource _stop = new();
    private CloneFeedReader? _feed;
    private string? _reading;
    private long _dropped;
    private int _tab;
    private string? _filter;
    private List<ShownLine>? _filtered;
    private bool _following = true;
    private bool _scrollToEnd;
    private int? _arrivedDuringPause;
    private ElementReference _scroller;
    private IJSObjectReference? _script;
    private DotNetObjectReference<LogPanel>? _self;

    [Inject]
    public required CloneService Clones { get; init; }

    [Inject]
    public required CloneFeed Feed { get; init; }

    [Inject]
    public required IJSRuntime Js { get; init; }

    [Inject]
    public required ILogger<LogPanel> Logger { get; init; }

    [Parameter, EditorRequired]
    public required string Clone { get; set; }

    [Parameter, EditorRequired]
    public required IReadOnlyList<string> Components { get; set; }

    /// <summary>The component whose tab is open, or null for the merged view.</summary>
    private string? Selected => _tab < Components.Count ? Components[_tab] : null;

    private ICollection<ShownLine> Shown
    {
        get
        {
            if (string.IsNullOrEmpty(_filter))
            {
                return AsCollection(_log.Lines(Selected));
            }

            return _filtered ??= _log.Lines(Selected)
                .Where(l => l.Plain.Contains(_filter, StringComparison.OrdinalIgnoreCase))
                .ToList();
        }
    }

    private string StatusText =>
        _log.Paused
            ? $"Paused: {_log.PendingCount} new lines waiting"
            : _arrivedDuringPause is { } arrived
                ? $"{arrived} lines arrived during the pause"
                : _following ? "Following" : "Not following: scrolled up";

    protected override async Task OnParametersSetAsync()
    {
        if (_reading == Clone)
        {
            return;
        }

        await StopReadingAsync();
        _reading = Clone;
        _stop = new CancellationTokenSource();

        // Subscribe before reading the backlog, so no line written in between is missed.
        _feed = CloneFeedReader.Start(Feed, IsOurLog, OnChangesAsync, BatchInterval, Logger);
        _log.Load(await BacklogAsync(_stop.Token));
        _filtered = null;
        _scrollToEnd = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _self = DotNetObjectReference.Create(this);
            _script = await Js.InvokeAsync<IJSObjectReference>("import", "./logview.js");
            if (_script is not null)
            {
                await _script.InvokeVoidAsync("watch", _scroller, _self);
            }
        }

        if (_scrollToEnd && _following && _script is not null)
        {
            _scrollToEnd = false;
            await _script.InvokeVoidAsync("toEnd", _scroller);
        }
    }

    /// <summary>Called by the script when the view reaches or leaves the bottom.</summary>
    [JSInvokable]
    public Task OnFollowChanged(bool atEnd) =>
        InvokeAsync(() =>
        {
            if (_following != atEnd)
            {
                _following = atEnd;
                StateHasChanged();
            }
        });

    public async ValueTask DisposeAsync()
    {
        await StopReadingAsync();
        _stop.Dispose();
        if (_script is not null)
        {
            try
            {
                await _script.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the script with it.
            }
        }

        _self?.Dispose();
    }

    private bool IsOurLog(CloneChange change) =>
        change is LogLinesWritten && change.CloneName == Clone;

    private async Task OnChangesAsync(IReadOnlyList<CloneChange> changes, CancellationToken token)
    {
        // A reader that fell behind lost lines; read the backlogs again rather than show a gap.
        var dropped = _feed?.Dropped ?? 0;
        var backlogs = dropped != _dropped ? await BacklogAsync(token) : null;

        await InvokeAsync(() =>
        {
            _dropped = dropped;
            if (backlogs is not null && !_log.Paused)
            {
                _log.Load(backlogs);
            }

            foreach (var written in changes.OfType<LogLinesWritten>())
            {
                _log.Append(written.Component, written.Lines);
            }

            _filtered = null;
            _scrollToEnd = true;
            StateHasChanged();
        });
    }

    private async Task<List<(string, IReadOnlyList<LogLine>)>> BacklogAsync(
        CancellationToken token)
    {
        var backlogs = new List<(string, IReadOnlyList<LogLine>)>();
        foreach (var component in Components)
        {
            try
            {
                backlogs.Add((component,
                    await Clones.TailAsync(Clone, component, BacklogLines, token)));
            }
            catch (CloneRequestException ex)
            {
                // The clone or its blueprint went away meanwhile; the page shows that instead.
                Logger.LogDebug(ex, "No backlog for {Component} of {Clone}", component, Clone);
            }
        }

        return backlogs;
    }

    private void OnTabChanged(int tab)
    {
        _tab = tab;
        _filtered = null;
        _scrollToEnd = true;
        _following = true;
    }

    private void OnFilterChanged(string? filter)
    {
        _filter = filter;
        _filtered = null;
        _scrollToEnd = true;
    }

    private void TogglePause()
    {
        if (_log.Paused)
        {
            _arrivedDuringPause = _log.Resume();
            _filtered = null;
            _scrollToEnd = true;
        }
        else
        {
            _arrivedDuringPause = null;
            _log.Pause();
        }
    }

    private async Task FollowAsync()
    {
        _following = true;
        if (_script is not null)
        {
            await _script.InvokeVoidAsync("toEnd", _scroller);
        }
    }

    private string LogFileHref(string component) =>
        $"api/clones/{Uri.EscapeDataString(Clone)}/components/" +
        $"{Uri.EscapeDataString(component)}/logfile";

    private static ICollection<ShownLine> AsCollection(IReadOnlyList<ShownLine> lines) =>
        lines as ICollection<ShownLine> ?? lines.ToList();

    private async Task StopReadingAsync()
    {
        await _stop.CancelAsync();
        if (_feed is { } feed)
        {
            _feed = null;
            await feed.DisposeAsync();
        }
    }
}
