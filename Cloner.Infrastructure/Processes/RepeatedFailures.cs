namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Which of a loop's tasks failed last time and why, so that a failure that repeats every
/// round (out of descriptors, say) is logged when it starts, when its reason changes and when
/// it ends, not every round.
/// </summary>
internal sealed class RepeatedFailures
{
    private readonly Dictionary<string, string> _failing = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Records a failure; true when it is new or its reason changed.</summary>
    public bool Failed(string task, string reason)
    {
        lock (_gate)
        {
            if (_failing.TryGetValue(task, out var before) && before == reason)
            {
                return false;
            }

            _failing[task] = reason;
            return true;
        }
    }

    /// <summary>Records a success; true when the task had been failing.</summary>
    public bool Succeeded(string task)
    {
        lock (_gate)
        {
            return _failing.Remove(task);
        }
    }
}
