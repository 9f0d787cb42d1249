namespace Cloner.Domain.Provisioning;

public enum StepEventKind
{
    Started,
    Progress,
    Succeeded,
    Failed,
    Skipped,
    Undone,
    UndoFailed,
}

public static class Operations
{
    public const string Create = "create";
    public const string Delete = "delete";
}

/// <summary>
/// One thing that happened to one step of a create or a delete. Kept with the clone, in
/// order of <see cref="Sequence"/>, and streamed to whoever watches.
/// </summary>
public sealed record StepEvent(
    string CloneName,
    long Sequence,
    string Operation,
    string Step,
    StepEventKind Kind,
    string Message,
    long? DurationMs,
    DateTimeOffset At);
