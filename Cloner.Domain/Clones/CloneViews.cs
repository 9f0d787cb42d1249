using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;

namespace Cloner.Domain.Clones;

/// <summary>What the dashboard and the API show of a clone: the record and its live components.</summary>
public sealed record CloneView(Clone Record, IReadOnlyList<ComponentView> Components);

public sealed record ComponentView(
    string Name,
    ComponentRecord Record,
    ResourceSample? Sample,
    bool Autostart);

public sealed record CloneDetails(CloneView View, IReadOnlyList<StepEvent> Steps);

/// <summary>What an operator asks for when creating a clone.</summary>
public sealed record CreateCloneRequest(
    string Blueprint,
    string? Name,
    IReadOnlyDictionary<string, string> Inputs);

/// <summary>How a create ended: the clone when it succeeded, else the step that failed and why.</summary>
public sealed record CreateOutcome(
    string Name,
    CloneView? View,
    IReadOnlyList<StepEvent> Steps,
    string? FailedStep,
    string? FailureReason)
{
    public bool Succeeded => FailedStep is null;
}

public sealed record DeleteOutcome(
    string Name,
    IReadOnlyList<StepEvent> Steps,
    string? FailedStep,
    string? FailureReason)
{
    public bool Succeeded => FailedStep is null;
}
