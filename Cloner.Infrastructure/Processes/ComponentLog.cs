using System.Threading.Channels;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// What Cloner shows of one component's output. The output itself is written by the
/// component's log relays (<see cref="LogRelay"/>, <c>out/</c> and <c>err/</c> under
/// <see cref="Folder"/>); this follows their files, numbers the lines, keeps them in the ring
/// and publishes them on the feed in batches. Cloner's own notes about the component go to
/// <c>cloner.log</c> beside them. Lines wait on a bounded queue of <see cref="QueueLines"/>;
/// when the ring and feed fall behind, the file readers wait (the relays do not). Only a
/// component that runs costs Cloner descriptors: the tails follow while a run lasts
/// (<see cref="Follow"/> to <see cref="ReleaseAsync"/>) and the notes file is open only while
/// notes are written.
/// </summary>
internal sealed class ComponentLog : IAsyncDisposable
{
    public const int QueueLines = 10_000;

    public const string NotesFile = "cloner.log";

    private const int BatchLines = 2_000;

    private readonly string _clone;
    private readonly string _component;
    private readonly CloneFeed _feed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RotatingLogFile _notes;
    private readonly Channel<Item> _queue;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Item> _notesWaiting = new();
    private readonly Task _writer;
    private readonly Lock _gate = new();
    private RelayTail[]? _tails;
    private bool _historyRead;
    private long _number;
    private bool _noSpaceLogged;

    public ComponentLog(
        string clone,
        string component,
        string folder,
        int ringLines,
        CloneFeed feed,
        TimeProvider time,
        ILogger logger)
    {
        _clone = clone;
        _component = component;
        _feed = feed;
        _time = time;
        _logger = logger;
        Folder = folder;
        _notes = new RotatingLogFile(System.IO.Path.Combine(folder, NotesFile),
            maxBytes: 1024 * 1024, backups: 1);
        Ring = new LogRing(ringLines);
        _queue = Channel.CreateBounded<Item>(
            new BoundedChannelOptions(QueueLines)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            });
        _writer = Task.Run(WriteLoopAsync);
    }

    public LogRing Ring { get; }

    /// <summary>Whether the queue to the ring is full now, for tests of a flood.</summary>
    internal bool QueueIsFull => _queue.Reader.Count >= QueueLines;

    /// <summary>The component's log folder: <c>out/</c>, <c>err/</c> and the notes.</summary>
    public string Folder { get; }

    public static string StreamFolder(string folder, bool isError) =>
        System.IO.Path.Combine(folder, isError ? "err" : "out");

    public static string CurrentPath(string folder, bool isError) =>
        System.IO.Path.Combine(StreamFolder(folder, isError), LogRelay.CurrentFile);

    /// <summary>
    /// Starts following both relay files from their ends, until <see cref="ReleaseAsync"/>;
    /// the first time, the ring first gets the lines already in them and the notes, as
    /// history (not published again on the feed). Throws <see cref="IOException"/> when the
    /// history cannot be read (EMFILE among others); <see cref="ReleaseAsync"/> then lets go
    /// of the tails that were started.
    /// </summary>
    public void Follow()
    {
        lock (_gate)
        {
            if (_tails is not null)
            {
                return;
            }

            // The history goes into the queue as one item, before any line of the tails: a
            // line at a time it could find the bounded queue full and be dropped.
            var historyQueued = _historyRead
                ? null
                : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var tails = new[] { false, true }
                .Select(isError => new RelayTail(CurrentPath(Folder, isError),
                    lines => AfterHistoryAsync(historyQueued?.Task, isError, lines), _logger))
                .ToArray();
            // Kept before they begin: when the second cannot (EMFILE), the first already runs,
            // and ReleaseAsync must stop it.
            _tails = tails;
            try
            {
                var ends = tails.Select(t => t.Begin()).ToArray();
                if (historyQueued is null)
                {
                    return;
                }

                QueueHistory(ReadFiles(Folder, Ring.Capacity, ends[0], ends[1]));
                _historyRead = true;
            }
            finally
            {
                historyQueued?.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Stops following the relay files, once a run is over, so a component that does not run
    /// holds none of Cloner's descriptors; the next <see cref="Follow"/> starts at their ends.
    /// </summary>
    public async Task ReleaseAsync()
    {
        RelayTail[]? tails;
        lock (_gate)
        {
            tails = _tails;
            if (tails is null || tails.Length == 0)
            {
                return;
            }

            _tails = null;
        }

        foreach (var tail in tails)
        {
            await tail.DisposeAsync();
        }
    }

    /// <summary>
    /// Waits until what the relays had written by now is read (false at the timeout).
    /// </summary>
    public async Task<bool> CatchUpAsync(TimeSpan timeout)
    {
        var tails = _tails;
        if (tails is null)
        {
            return true;
        }

        var done = await Task.WhenAll(tails.Select(t => t.CatchUpAsync(timeout)));
        return done.All(d => d);
    }

    /// <summary>
    /// The last lines of a component's files (stdout, stderr and Cloner's notes), in time
    /// order and numbered from 1; for a component no supervisor follows now.
    /// </summary>
    public static IReadOnlyList<LogLine> ReadFiles(
        string folder, int count, long outUpTo = long.MaxValue, long errUpTo = long.MaxValue)
    {
        var notes = RotatingLogFile.ReadTail(System.IO.Path.Combine(folder, NotesFile), count)
            .Select(l => l with { IsError = false });
        return LogRelay.ReadTail(CurrentPath(folder, false), count, false, outUpTo)
            .Concat(LogRelay.ReadTail(CurrentPath(folder, true), count, true, errUpTo))
            .Concat(notes)
            .OrderBy(l => l.At)
            .TakeLast(count)
            .Select((l, i) => l with { Number = i + 1 })
            .ToList();
    }

    public async ValueTask AppendAsync(
        bool isError, IReadOnlyList<(DateTimeOffset At, string Text)> lines)
    {
        await AfterHistoryAsync(null, isError, lines);
    }

    private async ValueTask AfterHistoryAsync(
        Task? historyQueued, bool isError, IReadOnlyList<(DateTimeOffset At, string Text)> lines)
    {
        if (historyQueued is not null)
        {
            await historyQueued;
        }

        foreach (var (at, text) in lines)
        {
            await _queue.Writer.WriteAsync(new Item(at, isError, text, Kind.Output));
        }
    }

    /// <summary>
    /// Queues the lines read back from the files as one item, so a full queue drops them all
    /// with a warning rather than some of them unseen.
    /// </summary>
    private void QueueHistory(IReadOnlyList<LogLine> history)
    {
        if (history.Count == 0)
        {
            return;
        }

        if (!_queue.Writer.TryWrite(new Item(default, false, "", Kind.Old, history)))
        {
            _logger.LogWarning("The earlier log lines of {Clone}/{Component} were not shown: "
                + "its log queue was full; they are still in its log files", _clone, _component);
        }
    }

    /// <summary>
    /// A line from Cloner itself about the component (started, exited, stopped).
    /// </summary>
    public void Note(string text)
    {
        var note = new Item(_time.GetUtcNow(), false, "[cloner] " + text, Kind.Note);
        if (_queue.Writer.TryWrite(note))
        {
            return;
        }

        // The queue is full (a flood) and a note must not wait, nor be dropped: it waits beside
        // the queue, and the writer takes it at its next round, so it can come before lines
        // that were queued ahead of it. When the queue is full the writer has a next round;
        // otherwise the wake-up gives it one. (A note after DisposeAsync stays here unread;
        // nothing reads a disposed log.)
        _notesWaiting.Enqueue(note);
        _queue.Writer.TryWrite(new Item(default, false, "", Kind.Wake));
    }

    public async ValueTask DisposeAsync()
    {
        RelayTail[]? tails;
        lock (_gate)
        {
            tails = _tails;
            _tails = [];
        }

        foreach (var tail in tails ?? [])
        {
            await tail.DisposeAsync();
        }

        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<LogLine>(BatchLines);
        var notes = new List<LogLine>();
        var fresh = new List<LogLine>(BatchLines);
        void Take(Item item)
        {
            if (item.Old is { } old)
            {
                batch.AddRange(old.Select(l => l with { Number = ++_number }));
                return;
            }

            if (item.Kind == Kind.Wake)
            {
                return;
            }

            var line = new LogLine(++_number, item.At, item.IsError, item.Text);
            batch.Add(line);
            if (item.Kind != Kind.Old)
            {
                fresh.Add(line);
            }

            if (item.Kind == Kind.Note)
            {
                notes.Add(line);
            }
        }

        while (await _queue.Reader.WaitToReadAsync())
        {
            while (_notesWaiting.TryDequeue(out var waiting))
            {
                Take(waiting);
            }

            while (batch.Count < BatchLines && _queue.Reader.TryRead(out var item))
            {
                Take(item);
            }

            WriteNotes(notes);
            Ring.Add(batch);
            if (fresh.Count > 0)
            {
                _feed.Publish(new LogLinesWritten(_clone, _component, fresh.ToArray()));
            }

            batch.Clear();
            notes.Clear();
            fresh.Clear();
        }

        // Notes that came after the last round, while the log closed, still reach the file.
        while (_notesWaiting.TryDequeue(out var last))
        {
            Take(last);
        }

        WriteNotes(notes);
        Ring.Add(batch);
    }

    private void WriteNotes(List<LogLine> notes)
    {
        if (notes.Count == 0)
        {
            return;
        }

        try
        {
            _notes.Write(notes);
            _noSpaceLogged = false;
        }
        catch (Exception ex) when (LogDisk.IsNoSpace(ex))
        {
            // The notes stay in the ring; the monitor shows the full disk on every component.
            LogDisk.ReportNoSpace(_notes.Path);
            if (!_noSpaceLogged)
            {
                _noSpaceLogged = true;
                _logger.LogError(
                    "The notes of {Clone}/{Component} could not be written to {Path}: the disk "
                    + "is full; later notes are kept in memory only until there is room",
                    _clone, _component, _notes.Path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "Could not write the notes of {Clone}/{Component} to {Path}",
                _clone, _component, _notes.Path);
        }
    }

    private enum Kind
    {
        Output,
        Note,
        Old,

        /// <summary>No line: wakes the writer for the notes that wait beside the queue.</summary>
        Wake,
    }

    /// <summary>A line, or with <paramref name="Old"/> the history read from the files.</summary>
    private readonly record struct Item(
        DateTimeOffset At,
        bool IsError,
        string Text,
        Kind Kind,
        IReadOnlyList<LogLine>? Old = null);
}
