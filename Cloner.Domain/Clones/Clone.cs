namespace Cloner.Domain.Clones;

public enum CloneStatus
{
    /// <summary>The create steps are running or were cut short; start-up finishes the undo.</summary>
    Creating,
    Ready,
    /// <summary>A step failed and its undo failed too; the clone waits for a delete.</summary>
    Failed,
    Deleting,
}

/// <summary>One instance of a blueprint, as kept in the store.</summary>
public sealed record Clone
{
    public required string Name { get; init; }

    public required string Blueprint { get; init; }

    public required int Number { get; init; }

    public CloneStatus Status { get; init; } = CloneStatus.Creating;

    /// <summary>Why the clone has its status, for Failed; null otherwise.</summary>
    public string? StatusReason { get; init; }

    /// <summary>The inputs it was created with, leaving out those marked secret.</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } =
        new Dictionary<string, string>();

    /// <summary>The port of each port slot.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();

    public required string Folder { get; init; }

    /// <summary>The clone's database, or null when the database steps were skipped.</summary>
    public string? DatabaseName { get; init; }

    public string? DatabaseUser { get; init; }

    /// <summary>What the create run has made so far, so a cut-short run can be undone.</summary>
    public CloneResources Made { get; init; } = new();

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The resources a create run made for a clone, written as each step finishes.</summary>
public sealed record CloneResources
{
    public bool Database { get; init; }

    public bool DatabaseUser { get; init; }

    public bool Folder { get; init; }

    public bool Route { get; init; }
}
