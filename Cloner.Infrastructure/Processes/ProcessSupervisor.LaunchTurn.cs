namespace Cloner.Infrastructure.Processes;

/// <summary>
/// The launch turn: one start at a time, across every component, takes the open-file check
/// and opens the launch's descriptors (tails, pipes, relay configs, the spawns, the pidfds),
/// so the next start's count already holds them. Only that part is shared; a start reads the
/// .env before its turn and waits for its command line, start seconds and store write after,
/// and stops never take the turn. A start holds its own component's gate while it waits for
/// the turn, so a stop of that component that comes meanwhile takes the start's place: the
/// start gives up without opening anything, and the stop does not wait for other starts.
/// </summary>
public sealed partial class ProcessSupervisor
{
    /// <summary>A run follows two relay files (stdout and stderr) while it lasts.</summary>
    private const int TailsPerRun = 2;

    private readonly SemaphoreSlim _launchTurn = new(1, 1);
    private readonly Lock _launchLock = new();

    /// <summary>Stops that wait for their component's gate, per component.</summary>
    private readonly Dictionary<SupervisedComponent, int> _stopsComing = [];

    /// <summary>The start of each component that waits for the turn now.</summary>
    private readonly Dictionary<SupervisedComponent, CancellationTokenSource> _turnWaits = [];

    /// <summary>
    /// Runs whose tails began but were not yet seen holding both files: a tail opens its file
    /// from a task of its own once svlogd made it, a moment after the turn is over, so until
    /// then the count of /proc/self/fd misses it and the check adds it.
    /// </summary>
    private readonly HashSet<SupervisedComponent> _tailsOpening = [];

    /// <summary>How many starts wait for the launch turn now.</summary>
    internal int StartsWaitingForTurn
    {
        get
        {
            lock (_launchLock)
            {
                return _turnWaits.Count;
            }
        }
    }

    /// <summary>
    /// Takes the launch turn until the answer is disposed of, as a slow launch would: for tests
    /// of starts that wait for it.
    /// </summary>
    internal async Task<IDisposable> TakeLaunchTurnAsync()
    {
        await _launchTurn.WaitAsync();
        return new LaunchTurn(_launchTurn);
    }

    /// <summary>
    /// Waits for the launch turn; null when a stop of the same component came before it.
    /// Call with the component's gate held; dispose of the answer to end the turn.
    /// </summary>
    private async Task<IDisposable?> LaunchTurnAsync(SupervisedComponent entry)
    {
        using var waiting = new CancellationTokenSource();
        lock (_launchLock)
        {
            if (_stopsComing.ContainsKey(entry))
            {
                return null;
            }

            _turnWaits[entry] = waiting;
        }

        try
        {
            await _launchTurn.WaitAsync(waiting.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        finally
        {
            lock (_launchLock)
            {
                _turnWaits.Remove(entry);
            }
        }

        lock (_launchLock)
        {
            if (_stopsComing.ContainsKey(entry))
            {
                _launchTurn.Release();
                return null;
            }
        }

        return new LaunchTurn(_launchTurn);
    }

    /// <summary>
    /// Says that a stop of the component waits for its gate: a start of it that waits for the
    /// launch turn gives up. Call <see cref="StopArrived"/> once the gate is held (or its
    /// wait failed), before the gate is let go, so a later start does not take it for a stop
    /// that is still coming.
    /// </summary>
    private void StopComing(SupervisedComponent entry)
    {
        lock (_launchLock)
        {
            _stopsComing[entry] = _stopsComing.GetValueOrDefault(entry) + 1;
            if (_turnWaits.TryGetValue(entry, out var waiting))
            {
                waiting.Cancel();
            }
        }
    }

    private void StopArrived(SupervisedComponent entry)
    {
        lock (_launchLock)
        {
            var coming = _stopsComing.GetValueOrDefault(entry) - 1;
            if (coming > 0)
            {
                _stopsComing[entry] = coming;
            }
            else
            {
                _stopsComing.Remove(entry);
            }
        }
    }

    /// <summary>
    /// Starts the tails of a run, with the launch turn held.
    /// Known shortcoming: the first follow of a component also reads its log history from the
    /// files (up to <c>Cloner:LogRingLines</c> lines) inside the turn, so a first start of a
    /// component with a large log holds up other starts for that read; reading the history
    /// after the turn, before the tails hand on lines, would end that.
    /// </summary>
    private void FollowDuringTurn(SupervisedComponent entry)
    {
        lock (_launchLock)
        {
            _tailsOpening.Add(entry);
        }

        entry.Log.Follow();
    }

    /// <summary>Lets go of the run's tails; their descriptors are no longer expected.</summary>
    private async Task ReleaseLogAsync(SupervisedComponent entry)
    {
        lock (_launchLock)
        {
            _tailsOpening.Remove(entry);
        }

        await entry.Log.ReleaseAsync();
    }

    /// <summary>
    /// The tail files that runs will open but the count cannot see yet. Unless
    /// <paramref name="exact"/>, each run not yet seen with both counts two (never too few);
    /// exactly, /proc/self/fd is read for which relay files are open, and runs seen with both
    /// are no longer counted. With the turn held; read it before the count, so a tail that
    /// opens in between is counted twice rather than not at all.
    /// </summary>
    private int TailsStillOpening(bool exact)
    {
        List<SupervisedComponent> opening;
        lock (_launchLock)
        {
            opening = _tailsOpening.ToList();
        }

        if (!exact || opening.Count == 0)
        {
            return opening.Count * TailsPerRun;
        }

        var open = OpenFiles.TargetsUnder(_options.LogsDir);
        if (open is null)
        {
            return opening.Count * TailsPerRun;
        }

        var still = 0;
        foreach (var entry in opening)
        {
            var missing = new[] { false, true }.Count(isError => !open.Any(target =>
                target.StartsWith(ComponentLog.StreamFolder(entry.Log.Folder, isError) + "/",
                    StringComparison.Ordinal)));
            if (missing == 0)
            {
                lock (_launchLock)
                {
                    _tailsOpening.Remove(entry);
                }
            }

            still += missing;
        }

        return still;
    }

    private sealed class LaunchTurn(SemaphoreSlim turn) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                turn.Release();
            }
        }
    }
}
