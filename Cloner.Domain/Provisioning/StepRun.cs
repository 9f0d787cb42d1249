using System.Diagnostics;
using Cloner.Domain.Live;
using Cloner.Domain.Storage;

namespace Cloner.Domain.Provisioning;

/// <summary>
/// The events of one create or delete run: numbers them, streams them to the feed at once and
/// keeps them with the clone once the clone is in the store.
/// </summary>
public sealed class StepRun(
    string clone,
    string operation,
    long firstSequence,
    IStepEventStore store,
    CloneFeed feed,
    TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<StepEvent> _events = [];
    private readonly List<StepEvent> _unsaved = [];
    private long _next = firstSequence;
    private bool _saving;

    public string Clone { get; } = clone;

    public IReadOnlyList<StepEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Starts keeping events in the store, with those reported so far.</summary>
    public async Task SaveFromNowAsync()
    {
        StepEvent[] pending;
        lock (_gate)
        {
            _saving = true;
            pending = [.. _unsaved];
            _unsaved.Clear();
        }

        foreach (var e in pending)
        {
            await store.AppendAsync(e, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops keeping events, for a run whose clone is gone from the store.</summary>
    public void StopSaving() => _saving = false;

    public Task ReportAsync(string step, StepEventKind kind, string message, long? durationMs = null)
    {
        StepEvent stepEvent;
        bool saving;
        lock (_gate)
        {
            stepEvent = new StepEvent(
                Clone, _next++, operation, step, kind, message, durationMs, time.GetUtcNow());
            _events.Add(stepEvent);
            saving = _saving;
            if (!saving)
            {
                _unsaved.Add(stepEvent);
            }
        }

        feed.Publish(new StepReported(stepEvent));
        return saving ? store.AppendAsync(stepEvent, CancellationToken.None) : Task.CompletedTask;
    }

    public IProgress<string> ProgressOf(string step) => new StepProgress(this, step);

    /// <summary>
    /// Runs one step: reports it started, then succeeded with its duration, or skipped with the
    /// reason it returns, or failed with the exception's message (and rethrows).
    /// </summary>
    public async Task<StepResult> RunAsync(string step, Func<Task<string?>> work)
    {
        await ReportAsync(step, StepEventKind.Started, $"{step} started").ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        try
        {
            var skipReason = await work().ConfigureAwait(false);
            if (skipReason is not null)
            {
                await ReportAsync(step, StepEventKind.Skipped, skipReason, watch.ElapsedMilliseconds)
                    .ConfigureAwait(false);
                return StepResult.Skipped;
            }

            await ReportAsync(step, StepEventKind.Succeeded,
                $"{step} succeeded in {watch.ElapsedMilliseconds} ms", watch.ElapsedMilliseconds)
                .ConfigureAwait(false);
            return StepResult.Succeeded;
        }
        catch (Exception ex)
        {
            await ReportAsync(step, StepEventKind.Failed, FailureText(ex), watch.ElapsedMilliseconds)
                .ConfigureAwait(false);
            throw new StepFailedException(step, FailureText(ex), ex);
        }
    }

    /// <summary>The reason shown for a failure; only messages written for operators are shown whole.</summary>
    public static string FailureText(Exception ex) => ex switch
    {
        StepFailedException failed => failed.Reason,
        ProvisioningException or Clones.CloneRequestException or Clones.EnvFileException => ex.Message,
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    private sealed class StepProgress(StepRun run, string step) : IProgress<string>
    {
        public void Report(string value) =>
            _ = run.ReportAsync(step, StepEventKind.Progress, value);
    }
}

public enum StepResult
{
    Succeeded,
    Skipped,
}

public sealed class StepFailedException(string step, string reason, Exception inner)
    : Exception($"Step {step} failed: {reason}", inner)
{
    public string Step { get; } = step;

    public string Reason { get; } = reason;
}
