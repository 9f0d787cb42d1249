using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// The supervisor's side of <see cref="OpenFiles"/>: a launch that would leave Cloner short of
/// descriptors is refused before it opens anything, and one that runs into EMFILE or ENFILE
/// on the way ends with the same kind of sentence and leaves nothing open.
/// </summary>
public sealed partial class ProcessSupervisor
{
    private static readonly TimeSpan _relayEndWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Why the launch is refused for want of descriptors; null when it fits. Called with the
    /// launch turn held, so the count holds every earlier launch's descriptors but the tails
    /// that have not opened their files yet, which are added. Those are first taken as two a
    /// run; only when that would refuse is /proc/self/fd read for which are open.
    /// </summary>
    private string? RefuseForOpenFiles(Clone clone, ComponentSpec spec)
    {
        var opening = TailsStillOpening(exact: false);
        if (OpenFiles.Count() is not { } count
            || OpenFiles.Refusal(count with { InUse = count.InUse + opening }, spec.Name) is null)
        {
            return null;
        }

        if (opening > 0)
        {
            opening = TailsStillOpening(exact: true);
            if (OpenFiles.Count() is not { } recount)
            {
                return null;
            }

            count = recount with { InUse = recount.InUse + opening };
        }

        if (OpenFiles.Refusal(count, spec.Name) is not { } refusal)
        {
            return null;
        }

        _logger.LogError(
            "Refused to start {Clone}/{Component}: Cloner has {OpenFiles} of its {FileLimit} "
            + "open files in use, a start needs about {LaunchCost} and {Reserve} stay free",
            clone.Name, spec.Name, count.InUse, count.Limit, OpenFiles.LaunchCost,
            OpenFiles.ReserveFor(count.Limit));
        return refusal;
    }

    /// <summary>Starts following the component's log; the reason when it could not.</summary>
    private string? FollowLog(SupervisedComponent entry, ComponentSpec spec)
    {
        try
        {
            FollowDuringTurn(entry);
            return null;
        }
        catch (IOException ex) when (OpenFiles.IsExhausted(ex))
        {
            return OpenFiles.Exhausted(ex, spec.Name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"the log of {spec.Name} in {entry.Log.Folder} could not be read "
                + $"({ex.Message}); check that folder";
        }
    }

    /// <summary>
    /// After a failed spawn, waits for the relays that did start: their pipes' write ends are
    /// closed, so they end at EOF, and no relay outlives the launch that had no component. One
    /// still not reaped at the timeout is killed: while it is not reaped its pid is still its
    /// own.
    /// </summary>
    private async Task RelaysEndedAsync(List<SpawnedRelay> relays)
    {
        try
        {
            await Task.WhenAll(relays.Select(r => r.Ended)).WaitAsync(_relayEndWait);
        }
        catch (TimeoutException)
        {
            var left = relays.Where(r => !r.Ended.IsCompleted).Select(r => r.Pid).ToList();
            _logger.LogWarning(
                "Log relays {Pids} did not end within {Wait} after a failed start; killing them",
                left, _relayEndWait);
            foreach (var relay in left)
            {
                ProcFs.SignalGroup(relay, ProcFs.SigKill);
            }
        }
    }
}
