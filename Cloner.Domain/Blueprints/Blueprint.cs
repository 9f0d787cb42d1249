namespace Cloner.Domain.Blueprints;

/// <summary>
/// The application being cloned, as read from a blueprint folder's <c>blueprint.yaml</c>.
/// The schema and nginx template texts are read with it, so the domain never opens a file.
/// </summary>
public sealed record Blueprint
{
    public required string Name { get; init; }

    public required string Title { get; init; }

    public required string ClonePrefix { get; init; }

    /// <summary>The absolute path of the blueprint folder; its files are what a clone copies.</summary>
    public required string Folder { get; init; }

    public IReadOnlyList<BlueprintInput> Inputs { get; init; } = [];

    public IReadOnlyList<PortSlot> Ports { get; init; } = [];

    public IReadOnlyList<string> FileExcludes { get; init; } = [];

    /// <summary>The text of the schema file, or null when the blueprint has no database.</summary>
    public string? SchemaSql { get; init; }

    public IReadOnlyList<EnvEntry> Env { get; init; } = [];

    /// <summary>The text of the nginx template, or null when the blueprint has no route.</summary>
    public string? NginxTemplate { get; init; }

    public IReadOnlyList<ComponentSpec> Components { get; init; } = [];

    public ComponentSpec? FindComponent(string name) =>
        Components.FirstOrDefault(c => c.Name == name);
}

public sealed record BlueprintInput(
    string Key,
    string Label,
    bool Required,
    bool Secret,
    string? Pattern);

/// <summary>A named port a clone needs, with the inclusive range it is picked from.</summary>
public sealed record PortSlot(string Name, int From, int To);

/// <summary>One line of a clone's <c>.env</c>: the key and its Liquid template.</summary>
public sealed record EnvEntry(string Key, string Template);

public enum RestartPolicy
{
    OnFailure,
    Always,
    Never,
}

/// <summary>One long-running process of a clone.</summary>
public sealed record ComponentSpec
{
    public required string Name { get; init; }

    public required string Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan StartSeconds { get; init; } = TimeSpan.FromSeconds(3);

    public bool Autostart { get; init; }

    public RestartPolicy Restart { get; init; } = RestartPolicy.OnFailure;
}
