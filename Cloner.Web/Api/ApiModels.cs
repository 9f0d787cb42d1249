using System.Text.Json.Serialization;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;

namespace Cloner.Web.Api;

/// <summary>
/// What the HTTP API answers, mapped from the domain. Secrets never get this far: inputs
/// marked secret are left out even if a record holds them, and no database password is kept.
/// </summary>
public sealed record BlueprintModel(
    string Name,
    string Title,
    string ClonePrefix,
    IReadOnlyList<InputModel> Inputs,
    IReadOnlyDictionary<string, PortRangeModel> Ports,
    IReadOnlyList<ComponentSpecModel> Components)
{
    public static BlueprintModel From(Blueprint blueprint) => new(
        blueprint.Name,
        blueprint.Title,
        blueprint.ClonePrefix,
        blueprint.Inputs
            .Select(i => new InputModel(i.Key, i.Label, i.Required, i.Secret, i.Pattern))
            .ToList(),
        blueprint.Ports.ToDictionary(p => p.Name, p => new PortRangeModel(p.From, p.To)),
        blueprint.Components.Select(c => new ComponentSpecModel(c.Name, c.Autostart)).ToList());
}

public sealed record InputModel(
    string Key,
    string Label,
    bool Required,
    bool Secret,
    string? Pattern);

public sealed record PortRangeModel(int From, int To);

public sealed record ComponentSpecModel(string Name, bool Autostart);

public sealed record CloneModel(
    string Name,
    string Blueprint,
    int Number,
    CloneStatus Status,
    string? StatusReason,
    IReadOnlyDictionary<string, int> Ports,
    IReadOnlyDictionary<string, string> Inputs,
    IReadOnlyList<ComponentModel> Components,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<StepModel>? Steps = null)
{
    /// <param name="blueprint">The clone's blueprint, to leave out inputs it marks secret.</param>
    public static CloneModel From(
        CloneView view,
        Blueprint? blueprint,
        IReadOnlyList<StepEvent>? steps = null)
    {
        var clone = view.Record;
        var secret = blueprint?.Inputs.Where(i => i.Secret).Select(i => i.Key).ToHashSet()
            ?? [];
        var known = blueprint?.Inputs.Select(i => i.Key).ToHashSet();
        var inputs = clone.Inputs
            .Where(i => !secret.Contains(i.Key) && (known is null || known.Contains(i.Key)))
            .ToDictionary(i => i.Key, i => i.Value);

        return new CloneModel(
            clone.Name,
            clone.Blueprint,
            clone.Number,
            clone.Status,
            clone.StatusReason,
            clone.Ports,
            inputs,
            view.Components.Select(ComponentModel.From).ToList(),
            clone.CreatedAt,
            steps?.Select(StepModel.From).ToList());
    }
}

public sealed record ComponentModel(
    string Name,
    ComponentState State,
    int? Pid,
    int Restarts,
    int? ExitCode,
    DateTimeOffset? StartedAt,
    string? Message,
    double? CpuPercent,
    long? MemoryBytes,
    bool Autostart)
{
    public static ComponentModel From(ComponentView view) =>
        From(view.Record, view.Sample, view.Autostart);

    public static ComponentModel From(
        ComponentRecord record, ResourceSample? sample, bool autostart)
    {
        var running = record.State is ComponentState.Running or ComponentState.Starting
            or ComponentState.Stopping;
        return new ComponentModel(
            record.Component,
            record.State,
            record.Pid,
            record.Restarts,
            record.ExitCode,
            record.StartedAt,
            record.Message,
            running ? sample?.CpuPercent : null,
            running ? sample?.MemoryBytes : null,
            autostart);
    }
}

public sealed record StepModel(
    long Sequence,
    string Operation,
    string Step,
    StepEventKind Kind,
    string Message,
    long? DurationMs,
    DateTimeOffset At)
{
    public static StepModel From(StepEvent e) =>
        new(e.Sequence, e.Operation, e.Step, e.Kind, e.Message, e.DurationMs, e.At);
}

/// <summary>The body of <c>POST /api/session</c>.</summary>
public sealed record SessionRequest(string? UserName, string? Password);

public sealed record SessionModel(string UserName);

/// <summary>The body of <c>POST /api/clones</c>, before it is checked.</summary>
public sealed record CreateCloneBody(
    string? Blueprint,
    string? Name,
    Dictionary<string, string>? Inputs);

public sealed record HealthModel(
    string Status,
    StoreHealthModel Store,
    [property: JsonPropertyName("mysql")] ServiceHealthModel MySql,
    ServiceHealthModel Nginx);

public sealed record StoreHealthModel(string Kind, bool Ok);

/// <param name="Reason">Why the service is not configured, or null when it is.</param>
public sealed record ServiceHealthModel(bool Configured, string? Reason);
