using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Processes;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// What the supervisor holds for one component of one clone. Everything but the log is
/// changed only while <see cref="Gate"/> is held, so a start and a stop never overlap.
/// </summary>
internal sealed class SupervisedComponent(string clone, string component, ComponentLog log)
{
    private volatile ComponentRecord _record = new()
    {
        CloneName = clone,
        Component = component,
    };

    public string Clone { get; } = clone;

    public string Component { get; } = component;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public ComponentLog Log { get; } = log;

    public ComponentRecord Record
    {
        get => _record;
        set => _record = value;
    }

    /// <summary>
    /// The spec and clone of the last start or stop, used by automatic restarts.
    /// </summary>
    public ComponentSpec? Spec { get; set; }

    public Clone? LastClone { get; set; }

    /// <summary>The run in progress, null when nothing runs.</summary>
    public ComponentRun? Run { get; set; }

    public CancellationTokenSource? PendingRestart { get; set; }

    /// <summary>Quick failures in a row, as counted by <see cref="RestartBackoff"/>.</summary>
    public int Failures { get; set; }

    public void CancelPendingRestart()
    {
        PendingRestart?.Cancel();
        PendingRestart?.Dispose();
        PendingRestart = null;
    }
}

/// <summary>
/// One start of a component until it exits. A run started by this supervisor is its child
/// (reaped by <see cref="ChildReaper"/>, with its exit code); a run re-adopted after a Cloner
/// restart is not, so its end is found by polling /proc.
/// </summary>
internal sealed class ComponentRun
{
    public required int Pid { get; init; }

    public long? StartTicks { get; init; }

    public string? CommandLine { get; set; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>
    /// Completes with the exit code (null when unknown) once the leader is gone.
    /// </summary>
    public TaskCompletionSource<int?> Exit { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The run's two log relays; done once both ended, at EOF, when every process that held
    /// the pipes is gone.
    /// </summary>
    public Task Relays { get; init; } = Task.CompletedTask;

    private volatile bool _stopRequested;

    /// <summary>
    /// Set before a stop signals the group, so its exit is not taken for a crash.
    /// </summary>
    public bool StopRequested
    {
        get => _stopRequested;
        set => _stopRequested = value;
    }
}
