using Cloner.Domain.Provisioning;

namespace Cloner.Web.Components.Clones;

/// <summary>
/// One step of a run as the stepper shows it, folded from its events: the outcome of the
/// step itself (started, progress, succeeded, failed or skipped), the text that goes with
/// it, and the undo when there was one.
/// </summary>
public sealed record StepRow(
    string Operation,
    string Step,
    StepEventKind Outcome,
    string? Message,
    long? DurationMs,
    StepEvent? Undo)
{
    public string State => Outcome switch
    {
        StepEventKind.Started or StepEventKind.Progress => "running",
        StepEventKind.Failed or StepEventKind.UndoFailed => "failed",
        _ => Outcome.ToString().ToLowerInvariant(),
    };

    /// <summary>The steps in the order they started; a step run twice shows its last run.</summary>
    public static IReadOnlyList<StepRow> From(IEnumerable<StepEvent> events)
    {
        var rows = new List<StepRow>();
        foreach (var stepEvent in events.OrderBy(e => e.Sequence))
        {
            var at = rows.FindIndex(r =>
                r.Operation == stepEvent.Operation && r.Step == stepEvent.Step);
            if (at < 0)
            {
                rows.Add(Fold(null, stepEvent));
            }
            else
            {
                // A step started again (a later run of the operation) starts its row afresh.
                rows[at] = Fold(rows[at], stepEvent);
            }
        }

        return rows;
    }

    private static StepRow Fold(StepRow? row, StepEvent e) => e.Kind switch
    {
        StepEventKind.Undone or StepEventKind.UndoFailed when row is not null =>
            row with { Undo = e },
        StepEventKind.Progress when row is not null =>
            row with { Outcome = StepEventKind.Progress, Message = e.Message },
        StepEventKind.Started =>
            new StepRow(e.Operation, e.Step, e.Kind, e.Message, null, null),
        _ => new StepRow(e.Operation, e.Step, e.Kind, e.Message,
            e.DurationMs, row?.Undo),
    };
}
