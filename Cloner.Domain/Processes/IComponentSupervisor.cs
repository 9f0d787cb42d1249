using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;

namespace Cloner.Domain.Processes;

/// <summary>
/// Starts, stops and watches the processes of clones. Each start runs in the clone's folder,
/// in a process group of its own, with the clone's .env plus CLONER_CLONE and
/// CLONER_COMPONENT in its environment. Every state change is written to the store.
/// </summary>
public interface IComponentSupervisor
{
    /// <summary>Starts the component, or returns its state when it already runs.</summary>
    Task<ComponentRecord> StartAsync(Clone clone, ComponentSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// SIGTERM to the process group, SIGKILL after the stop timeout; returns once no process
    /// of the group is left. Stopping a stopped component succeeds and changes nothing.
    /// </summary>
    Task<ComponentRecord> StopAsync(Clone clone, ComponentSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Stops the component when it runs and starts it again, under one hold of the component:
    /// it stays wanted running throughout, so a Cloner that dies in between starts it again on
    /// its next start.
    /// </summary>
    Task<ComponentRecord> RestartAsync(
        Clone clone, ComponentSpec spec, CancellationToken cancellationToken);

    /// <summary>The live state of a component, or a Stopped record when it never ran.</summary>
    ComponentRecord Current(string clone, string component);

    /// <summary>The last <paramref name="count"/> lines the component wrote, oldest first.</summary>
    IReadOnlyList<LogLine> Tail(string clone, string component, int count);

    /// <summary>The path of the component's current stdout log file, or its stderr's.</summary>
    string LogFilePath(string clone, string component, bool isError = false);

    /// <summary>
    /// Matches what the store recorded with what runs: re-adopts a process that is still the
    /// same one, marks the rest Stopped and starts those that are wanted running.
    /// </summary>
    Task ReconcileAsync(IReadOnlyList<(Clone Clone, Blueprint? Blueprint)> clones,
        CancellationToken cancellationToken);

    /// <summary>Forgets a deleted clone's records, rings and log files.</summary>
    Task ForgetAsync(string clone, CancellationToken cancellationToken);
}

/// <summary>Samples CPU and memory of every running component's process tree.</summary>
public interface IResourceMonitor
{
    ResourceSample? Latest(string clone, string component);
}
