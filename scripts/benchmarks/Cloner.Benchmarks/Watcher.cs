using System.Collections.Concurrent;
using System.Diagnostics;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;

namespace Cloner.Benchmarks;

/// <summary>
/// One subscriber of the feed, as a dashboard page would be: it reads every change as soon as
/// it arrives and notes, with a <see cref="Stopwatch"/> timestamp, what the benchmarks wait for.
/// </summary>
internal sealed class Watcher : IAsyncDisposable
{
    private readonly CloneFeedSubscription _subscription;
    private readonly Task _reader;
    private readonly ConcurrentDictionary<
        (string Clone, string Component), TaskCompletionSource<long>> _endWaits = new();
    private readonly ConcurrentDictionary<string, LogTrack> _logTracks = new();
    private long _samples;
    private long _rounds;
    private DateTimeOffset _lastRound;

    public Watcher(CloneFeed feed)
    {
        _subscription = feed.Subscribe();
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Resource samples received.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Sampling rounds received (samples with a time not seen just before).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    public long Dropped => _subscription.Dropped;

    /// <summary>
    /// Completes with the arrival timestamp of the next change of the component to Exited,
    /// Backoff or Fatal. Call it before the process is killed.
    /// </summary>
    public Task<long> NextEndAsync(string clone, string component)
    {
        var wait = new TaskCompletionSource<long>(
            TaskCreationOptions.RunContinuationsAsynchronously);
        _endWaits[(clone, component)] = wait;
        return wait.Task;
    }

    /// <summary>Counts the clone's component lines and waits for the one with this text.</summary>
    public LogTrack TrackLog(string clone, string lastText)
    {
        var track = new LogTrack(lastText);
        _logTracks[clone] = track;
        return track;
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _reader;
    }

    private async Task ReadAsync()
    {
        await foreach (var change in _subscription.Reader.ReadAllAsync())
        {
            var at = Stopwatch.GetTimestamp();
            switch (change)
            {
                case SampleTaken taken:
                    Interlocked.Increment(ref _samples);
                    if (taken.Sample.At != _lastRound)
                    {
                        _lastRound = taken.Sample.At;
                        Interlocked.Increment(ref _rounds);
                    }

                    break;
                case ComponentChanged { Record: var record }
                    when record.State is ComponentState.Exited or ComponentState.Backoff
                        or ComponentState.Fatal:
                    if (_endWaits.TryRemove((record.CloneName, record.Component), out var wait))
                    {
                        wait.TrySetResult(at);
                    }

                    break;
                case LogLinesWritten written:
                    if (_logTracks.TryGetValue(written.Name, out var track))
                    {
                        track.Receive(written.Lines, at);
                    }

                    break;
            }
        }
    }
}

/// <summary>The lines of one flooding clone as they reach the subscriber.</summary>
internal sealed class LogTrack(string lastText)
{
    private const string ClonerNote = "[cloner] ";

    private long _lines;

    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Completes with the arrival timestamp of the line with the last text.</summary>
    public TaskCompletionSource<long> Last { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Receive(IReadOnlyList<LogLine> lines, long at)
    {
        foreach (var line in lines)
        {
            if (line.Text.StartsWith(ClonerNote, StringComparison.Ordinal))
            {
                continue;
            }

            Interlocked.Increment(ref _lines);
            if (line.Text == lastText)
            {
                Last.TrySetResult(at);
            }
        }
    }
}
