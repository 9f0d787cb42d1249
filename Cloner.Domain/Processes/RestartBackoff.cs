namespace Cloner.Domain.Processes;

/// <summary>
/// The restart rule for a component that exits unexpectedly: wait 1 s, then 1.5 times longer
/// each time, at most 15 s; a run that stayed up 30 s resets the count; after 5 quick
/// failures in a row the component is Fatal and waits for the operator.
/// </summary>
public static class RestartBackoff
{
    public static TimeSpan First { get; } = TimeSpan.FromSeconds(1);

    public static TimeSpan Longest { get; } = TimeSpan.FromSeconds(15);

    public static TimeSpan ResetAfter { get; } = TimeSpan.FromSeconds(30);

    public const double Factor = 1.5;

    public const int FatalAfter = 5;

    /// <summary>The delay before restart number <paramref name="failures"/> (1 for the first).</summary>
    public static TimeSpan DelayBefore(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var seconds = First.TotalSeconds * Math.Pow(Factor, failures - 1);
        return TimeSpan.FromSeconds(Math.Min(seconds, Longest.TotalSeconds));
    }

    /// <summary>The failure count after a run that lasted <paramref name="uptime"/> ended badly.</summary>
    public static int FailuresAfter(int failuresSoFar, TimeSpan uptime) =>
        uptime >= ResetAfter ? 1 : failuresSoFar + 1;

    public static bool IsFatal(int failures) => failures >= FatalAfter;

    /// <summary>Whether a run that ended with <paramref name="exitCode"/> is restarted under the policy.</summary>
    public static bool ShouldRestart(Blueprints.RestartPolicy policy, int exitCode) => policy switch
    {
        Blueprints.RestartPolicy.Always => true,
        Blueprints.RestartPolicy.OnFailure => exitCode != 0,
        _ => false,
    };
}
