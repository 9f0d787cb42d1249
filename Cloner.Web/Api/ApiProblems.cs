using Cloner.Domain.Clones;
using Cloner.Domain.Provisioning;
using Microsoft.AspNetCore.Mvc;

namespace Cloner.Web.Api;

/// <summary>
/// The RFC 7807 answers of the API: which status each domain error gets, and the problems of
/// a failed create or delete. Only messages written for operators reach a response; anything
/// else is a plain 500 that points at the log.
/// </summary>
public static class ApiProblems
{
    public const string InternalDetail =
        "Cloner failed to do this; the Cloner log has the details. Try again, or check the log.";

    /// <summary>The problem for an exception thrown while answering a request.</summary>
    public static ProblemDetails ForException(Exception exception) => exception switch
    {
        CloneValidationException invalid => Validation(invalid.Errors),
        CloneNameTakenException taken => Problem(StatusCodes.Status409Conflict,
            "Clone name taken", taken.Message),
        CloneBusyException busy => Problem(StatusCodes.Status409Conflict,
            "Clone busy", busy.Message),
        UnknownCloneException unknown => Problem(StatusCodes.Status404NotFound,
            "Unknown clone", unknown.Message),
        UnknownComponentException unknown => Problem(StatusCodes.Status404NotFound,
            "Unknown component", unknown.Message),
        CloneRequestException request => Problem(StatusCodes.Status400BadRequest,
            "Request not possible", request.Message),
        EnvFileException env => Problem(StatusCodes.Status400BadRequest,
            "Value not allowed", env.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problem(
            StatusCodes.Status413PayloadTooLarge,
            "Request body too large",
            "The request body is too large; a create request is a small JSON object."),
        BadHttpRequestException bad => Problem(bad.StatusCode,
            "Bad request", "The request could not be read; check its path, query and body."),
        _ => Problem(StatusCodes.Status500InternalServerError, "Internal error", InternalDetail),
    };

    /// <summary>Whether the caller caused the exception, not a fault in Cloner.</summary>
    public static bool IsCallerError(Exception exception) =>
        exception is CloneRequestException or EnvFileException or BadHttpRequestException;

    public static HttpValidationProblemDetails Validation(
        IReadOnlyDictionary<string, string[]> errors) =>
        new(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid",
            Detail = "Correct the fields named in errors and send the request again.",
        };

    public static ProblemDetails CreateFailed(CreateOutcome outcome) => StepFailure(
        StatusCodes.Status422UnprocessableEntity,
        "Create failed",
        $"Creating clone '{outcome.Name}' failed at step {outcome.FailedStep}: " +
        $"{Sentence(outcome.FailureReason)} {AfterUndo(outcome.Steps)}",
        outcome.FailedStep,
        outcome.FailureReason,
        outcome.Steps);

    public static ProblemDetails DeleteFailed(DeleteOutcome outcome) => StepFailure(
        StatusCodes.Status500InternalServerError,
        "Delete failed",
        $"Deleting clone '{outcome.Name}' failed at step {outcome.FailedStep}: " +
        $"{Sentence(outcome.FailureReason)} Fix the cause and delete it again.",
        outcome.FailedStep,
        outcome.FailureReason,
        outcome.Steps);

    public static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    /// <summary>What is left after the undo: nothing, or what the undo could not remove.</summary>
    private static string AfterUndo(IReadOnlyList<StepEvent> steps)
    {
        var undoFailures = steps
            .Where(s => s.Kind == StepEventKind.UndoFailed)
            .Select(s => s.Message)
            .ToList();
        return undoFailures.Count == 0
            ? "What it had made was undone; fix the cause and create it again."
            : $"Its undo failed too ({string.Join("; ", undoFailures)}), so the clone is left " +
              "Failed; fix the cause, then delete the clone to remove what is left.";
    }

    private static string Sentence(string? text) =>
        string.IsNullOrEmpty(text) || text.EndsWith('.') ? text ?? "" : text + ".";

    private static ProblemDetails StepFailure(
        int status,
        string title,
        string detail,
        string? failedStep,
        string? reason,
        IReadOnlyList<StepEvent> steps)
    {
        var problem = Problem(status, title, detail);
        problem.Extensions["failedStep"] = failedStep;
        problem.Extensions["reason"] = reason;
        problem.Extensions["steps"] = steps.Select(StepModel.From).ToList();
        return problem;
    }
}
