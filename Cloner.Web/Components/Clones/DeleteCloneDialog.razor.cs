using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Provisioning;
using Cloner.Web.Components.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Cloner.Web.Components.Clones;

/// <summary>
/// Asks the operator to type the clone's name, then deletes it with its steps shown live.
/// Closes with the name when the delete succeeded; stays open with the reason when it failed.
/// </summary>
public sealed partial class DeleteCloneDialog : IAsyncDisposable
{
    private static readonly TimeSpan StepInterval = TimeSpan.FromMilliseconds(100);

    private string? _typed;
    private bool _deleting;
    private string? _error;
    private List<StepEvent> _steps = [];
    private DeleteOutcome? _outcome;
    private CloneFeedReader? _watch;

    [Inject]
    public required CloneService Clones { get; init; }

    [Inject]
    public required CloneFeed Feed { get; init; }

    [Inject]
    public required ILogger<DeleteCloneDialog> Logger { get; init; }

    [CascadingParameter]
    public IMudDialogInstance? Dialog { get; set; }

    [Parameter, EditorRequired]
    public required string CloneName { get; set; }

    public async ValueTask DisposeAsync() => await StopWatchingAsync();

    private async Task DeleteAsync()
    {
        if (_typed != CloneName)
        {
            return;
        }

        _deleting = true;
        _error = null;
        _steps = [];
        _watch = CloneFeedReader.Start(Feed, IsThisDelete, OnStepsAsync, StepInterval, Logger);
        try
        {
            // Not cancelled with the dialog: a delete that has begun runs to its end.
            _outcome = await Clones.DeleteAsync(CloneName, CancellationToken.None);
            _steps = [.. _outcome.Steps];
            if (_outcome.Succeeded)
            {
                Dialog?.Close(DialogResult.Ok(CloneName));
            }
        }
        catch (CloneRequestException ex)
        {
            _error = ex.Message;
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Deleting {Clone} failed", CloneName);
            _error = $"Deleting {CloneName} failed ({StepRun.FailureText(ex)}); " +
                "Cloner's log has the details.";
        }
        finally
        {
            _deleting = false;
            await StopWatchingAsync();
        }
    }

    private bool IsThisDelete(CloneChange change) =>
        change is StepReported { Event.Operation: Operations.Delete } reported
        && reported.CloneName == CloneName;

    private Task OnStepsAsync(IReadOnlyList<CloneChange> changes, CancellationToken token) =>
        InvokeAsync(() =>
        {
            if (!_deleting)
            {
                return;
            }

            foreach (var change in changes)
            {
                var stepEvent = ((StepReported)change).Event;
                if (!_steps.Exists(s => s.Sequence == stepEvent.Sequence))
                {
                    _steps.Add(stepEvent);
                }
            }

            StateHasChanged();
        });

    private async Task StopWatchingAsync()
    {
        if (_watch is { } watch)
        {
            _watch = null;
            await watch.DisposeAsync();
        }
    }

    private void Cancel() => Dialog?.Cancel();
}
