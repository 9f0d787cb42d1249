using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Notices a log relay that ends while its component still runs (killed by an operator or
/// the OOM killer, or the component closed that stream). Nothing reads that pipe any more,
/// so what the component writes there is lost, or it dies of the broken pipe; the relay
/// cannot be given the old pipe again, so the component's message says to restart it.
/// </summary>
public sealed partial class ProcessSupervisor
{
    private const string RelayEndedMark = "(svlogd) ended while the component runs";

    /// <summary>Whether a component's message says that its log relays ended.</summary>
    public static bool IsRelayEndedMessage(string? message) =>
        message is not null && message.Contains(RelayEndedMark, StringComparison.Ordinal);

    private async Task WatchRelaysAsync(
        SupervisedComponent entry, ComponentRun run, IReadOnlyList<RelayWatch> relays)
    {
        // One round per relay that ends: when the second ends later (the component's next
        // write to that stream, say), the message is said again naming both.
        var reported = 0;
        while (reported < relays.Count)
        {
            var running = relays.Where(r => !r.Ended.IsCompleted).Select(r => r.Ended).ToList();
            try
            {
                if (running.Count == relays.Count || reported > 0)
                {
                    await Task.WhenAny(running).WaitAsync(_shutdown.Token);
                }

                // Relays end at EOF once the whole group is gone: give that exit time to show.
                await Task.WhenAny(run.Exit.Task, Task.Delay(_outputWait * 2, _shutdown.Token));
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!StillRuns(run))
            {
                return;
            }

            reported = await ReportEndedRelaysAsync(entry, run, relays, reported);
            if (reported < 0)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Says which relays ended, unless no more did than <paramref name="reported"/>; answers
    /// how many are now said, or -1 when the run is over.
    /// </summary>
    private async Task<int> ReportEndedRelaysAsync(
        SupervisedComponent entry, ComponentRun run, IReadOnlyList<RelayWatch> relays,
        int reported)
    {
        await entry.Gate.WaitAsync();
        try
        {
            if (entry.Run != run || !StillRuns(run))
            {
                return -1;
            }

            var ended = relays.Where(r => r.Ended.IsCompleted).ToList();
            if (ended.Count <= reported)
            {
                return reported;
            }

            var relaysOf = ended.Count == 1
                ? $"{(ended[0].IsError ? "stderr" : "stdout")} log relay"
                : "stdout and stderr log relays";
            _logger.LogWarning(
                "The {Relays} of {Clone}/{Component} ({Pid}) ended while it runs",
                relaysOf, entry.Clone, entry.Component, run.Pid);
            entry.Log.Note($"the {relaysOf} ended; restart to log that output again");
            await SaveAsync(entry, entry.Record with
            {
                Message = $"the {relaysOf} {RelayEndedMark}: "
                    + "what it writes there is no longer logged (or it dies of the broken "
                    + "pipe); restart the component to log it again",
            });
            return ended.Count;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private bool StillRuns(ComponentRun run) =>
        !_shutdown.IsCancellationRequested
        && !run.StopRequested
        && !run.Exit.Task.IsCompleted
        && ProcFs.Stat(run.Pid) is { IsZombie: false } leader
        && (run.StartTicks is null || leader.StartTicks == run.StartTicks);

    /// <summary>
    /// The relays of a re-adopted run, found by their command line; a stream whose relay is
    /// not found counts as ended.
    /// </summary>
    private List<RelayWatch> AdoptedRelays(List<(ProcStat Relay, bool IsError)> found) =>
        new[] { false, true }
            .Select(isError => new RelayWatch(isError, found
                .Where(r => r.IsError == isError)
                .Select(r => RelayEndsAsync(r.Relay))
                .FirstOrDefault() ?? Task.CompletedTask))
            .ToList();
}

/// <summary>One log relay of a run: which stream it reads and a task done once it ended.</summary>
internal sealed record RelayWatch(bool IsError, Task Ended);
