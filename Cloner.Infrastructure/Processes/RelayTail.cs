using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Follows the <c>current</c> file of one log relay: a <see cref="FileWatch"/> on the relay's
/// folder wakes it when svlogd writes or rotates, and it then reads what was added; a read
/// every <see cref="SafetyPoll"/>, for all watched tails at once, catches anything a wake
/// missed. Without the watch (no
/// inotify, its watch limit reached, the folder not there yet) it reads every
/// <see cref="Poll"/> while lines come and backs off to <see cref="IdlePoll"/> while none do
/// (a quiet component then costs a tenth of the reads; its next line shows up to a second
/// late). It frames what it reads with <see cref="LineFramer"/> (a line over 64 KiB is cut,
/// bytes that are not UTF-8 become U+FFFD, a line without its LF waits for it), parses svlogd's
/// time stamp and hands the lines on. When svlogd rotates the file (the path names another
/// inode) the rest of the old file is read before the new one, and so is any file it rotated
/// in between. A read error in one of those files (or in <c>current</c>, which svlogd then
/// rotates) leaves it, where the read stopped, and the files after it for the next round,
/// which goes on from there; a file that still cannot be
/// read after <see cref="GiveUpRotated"/> is skipped with an error in the log, so that one
/// broken file does not stop the component's log for good. A tail that polls asks for the
/// watch again at each read, so it is watched again once inotify works.
/// </summary>
internal sealed class RelayTail : IAsyncDisposable
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(5);

    /// <summary>How long a watched tail gathers lines that keep coming before it reads.</summary>
    public static readonly TimeSpan Batch = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a rotated file that fails is tried again before it is skipped.</summary>
    public static readonly TimeSpan GiveUpRotated = TimeSpan.FromMinutes(1);

    private const int ChunkBytes = 128 * 1024;
    private const int StatBytes = 256; // struct stat is 144 bytes on x86-64, 128 on arm64
    private const int InodeOffset = 8; // st_ino follows st_dev on both
    private const int SizeOffset = 48; // st_size, on x86-64 and arm64 alike

    /// <summary>
    /// The watched tails, all woken together every <see cref="SafetyPoll"/> by one timer: a
    /// timer each would wake a thread-pool thread 120 times a second for 600 tails, and each
    /// wake-up costs far more than the read it runs.
    /// </summary>
    private static readonly ConcurrentDictionary<RelayTail, byte> _watchedTails = new();

    private static long s_safetyTicks;

    private static readonly Timer _safetyTick = new(
        _ => WakeWatched(), null, SafetyPoll, SafetyPoll);

    private readonly string _path;
    private readonly Func<IReadOnlyList<(DateTimeOffset At, string Text)>, ValueTask> _deliver;
    private readonly ILogger _logger;
    private readonly FileWatch _fileWatch;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly byte[] _chunk = new byte[ChunkBytes];
    private LineFramer _framer = new();
    private FileStream? _stream;
    private FileWatch.Subscription? _watch;
    private long _inode = -1;
    private long _startAt;
    private long _beginInode = -1;
    private string? _newestRotatedAtBegin;

    /// <summary>
    /// The rotated files still to read, oldest first, before <c>current</c> is opened from its
    /// start; a read error leaves the one it failed in first, <see cref="_unreadAt"/> telling
    /// where in it the next round goes on (the framer holds the part of a line before that).
    /// </summary>
    private readonly List<string> _unread = [];
    private long _unreadAt;
    private DateTimeOffset _unreadFailingSince = DateTimeOffset.MaxValue;

    /// <summary>
    /// While the rotated files are read: the newest of them the tail knows of, to find any
    /// that svlogd rotated meanwhile; null once <c>current</c> is open.
    /// </summary>
    private string? _lastRotated;

    /// <summary>
    /// The newest rotated file there was once <c>current</c> was open: the files after it are
    /// newer than the open one, which matters once svlogd has removed that one too.
    /// </summary>
    private string? _newestRotatedAtOpen;

    /// <summary>The file the read in progress is in: what a read error is about.</summary>
    private string _reading;
    private string? _failedLast;
    private long _rounds;
    private int _wakePending;
    private TimeSpan _delay = Poll;
    private Task _loop = Task.CompletedTask;

    public RelayTail(
        string path,
        Func<IReadOnlyList<(DateTimeOffset At, string Text)>, ValueTask> deliver,
        ILogger logger,
        FileWatch? fileWatch = null,
        TimeProvider? time = null)
    {
        _path = path;
        _deliver = deliver;
        _logger = logger;
        _fileWatch = fileWatch ?? FileWatch.Shared;
        _time = time ?? TimeProvider.System;
        _reading = path;
    }

    public string Path => _path;

    /// <summary>True while inotify wakes this tail; false while it polls.</summary>
    public bool IsWatched => _watch is { IsLive: true };

    /// <summary>
    /// Starts following from the file's end as it is now; returns that length (0 when there is
    /// no file yet), up to which earlier lines can be read with <see cref="LogRelay.ReadTail"/>.
    /// </summary>
    public long Begin()
    {
        var (inode, length) = StatPath(_path);
        _startAt = inode >= 0 ? length : 0;
        _beginInode = inode;
        _newestRotatedAtBegin = RotatedFiles().LastOrDefault();
        _loop = Task.Run(LoopAsync);
        return _startAt;
    }

    /// <summary>
    /// Waits until a read that began after this call has ended, so whatever was in the file
    /// then has been handed on; false at the timeout.
    /// </summary>
    public async Task<bool> CatchUpAsync(TimeSpan timeout)
    {
        var target = Interlocked.Read(ref _rounds) + 2;
        var deadline = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref _rounds) < target)
        {
            if (DateTime.UtcNow > deadline || _loop.IsCompleted)
            {
                return false;
            }

            Wake();
            await Task.Delay(5);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _watchedTails.TryRemove(this, out _);
        _watch?.Dispose();
        _stream?.Dispose();
        _stop.Dispose();
    }

    /// <summary>Watches the relay's folder unless it is watched; true when it is.</summary>
    private bool EnsureWatch()
    {
        if (_watch is { IsLive: true })
        {
            return true;
        }

        _watch?.Dispose();
        var folder = System.IO.Path.GetDirectoryName(_path)!;
        _watch = _fileWatch.Subscribe(folder, Wake, _logger);
        if (_watch is null)
        {
            _watchedTails.TryRemove(this, out _);
            return false;
        }

        _watchedTails[this] = 0;
        return true;
    }

    /// <summary>How many times the safety timer has woken the watched tails so far.</summary>
    internal static long SafetyTicks => Interlocked.Read(ref s_safetyTicks);

    private static void WakeWatched()
    {
        Interlocked.Increment(ref s_safetyTicks);
        foreach (var tail in _watchedTails.Keys)
        {
            tail.Wake();
        }
    }

    /// <summary>
    /// Cuts the current wait short, so the next read starts now. svlogd writes each line
    /// alone, so under a flood this is called for nearly every line: a pending wake-up is
    /// kept in a flag rather than found by the semaphore's exception.
    /// </summary>
    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            _wake.Release();
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var streaming = false;
            try
            {
                // Watched before the read: whatever is written after the read wakes it again.
                var watched = EnsureWatch();
                var added = await ReadAddedAsync();
                streaming = watched && added;
                _delay = watched ? Timeout.InfiniteTimeSpan
                    : added ? Poll
                    : TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, IdlePoll.Ticks));
                _failedLast = null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Said once for a file that keeps failing, not at every round that tries it.
                var level = _reading == _failedLast ? LogLevel.Debug : LogLevel.Warning;
                _failedLast = _reading;
                _logger.Log(level, ex, "Could not read the log relay file {Path}", _reading);
                // Open again where this read stopped, not where following began: the lines
                // up to here were handed on, and the framer holds the part of a line after.
                if (_stream is not null)
                {
                    _startAt = _stream.Position;
                }

                _stream?.Dispose();
                _stream = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The tail must outlive a fault in whoever takes its lines, or the component's
                // log would stop for good with nothing said.
                _logger.LogError(ex, "Handing on the lines of {Path} failed", _path);
            }

            Interlocked.Increment(ref _rounds);
            try
            {
                var woken = await _wake.WaitAsync(_delay, _stop.Token);
                if (woken)
                {
                    // Before the read: a write from now on wakes the next round.
                    Interlocked.Exchange(ref _wakePending, 0);
                }

                if (woken && streaming)
                {
                    // Lines keep coming: gather them for a moment rather than read each write
                    // of svlogd alone, which costs a flood more CPU per line. A line after a
                    // quiet spell is read at once.
                    await Task.Delay(Batch, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads what was added since the last read; true when there was anything.</summary>
    private async Task<bool> ReadAddedAsync()
    {
        var added = false;
        if (_stream is null)
        {
            if (_inode < 0 && _lastRotated is null)
            {
                QueueRotatedBeforeFirstOpen();
            }
            else if (_lastRotated is null)
            {
                QueueIfRotatedSinceFailedRead();
            }

            added = await ReadUnreadAsync();
            if (_stream is null && (_lastRotated is not null || !Open()))
            {
                return added;
            }
        }

        added |= await ReadToEndAsync();
        var (pathInode, _) = StatPath(_path);
        if (pathInode >= 0 && pathInode != _inode)
        {
            // Rotated: what svlogd wrote before the rename is still in the old inode.
            added |= await ReadRestOfRotatedAsync();
            QueueRotatedSince(_inode);
            _stream!.Dispose();
            _stream = null;
            added |= await ReadUnreadAsync();
            if (_stream is not null)
            {
                added |= await ReadToEndAsync();
            }
        }

        return added;
    }

    /// <summary>
    /// Before the tail first opens <c>current</c>, svlogd may have rotated it already (a
    /// flood, a busy machine that ran the tail late): queues the rest of the file that was
    /// <c>current</c> at <see cref="Begin"/> and every file rotated after it, so that the open
    /// that follows them starts the new <c>current</c> from its start and nothing is lost.
    /// </summary>
    private void QueueRotatedBeforeFirstOpen()
    {
        var (pathInode, _) = StatPath(_path);
        if (_beginInode >= 0 && pathInode == _beginInode)
        {
            return;
        }

        var files = RotatedFiles();
        var begun = _beginInode >= 0
            ? files.FindIndex(f => StatPath(f).Inode == _beginInode)
            : -1;
        var pending = begun >= 0
            ? files[begun..]
            : files.Where(f => string.CompareOrdinal(f, _newestRotatedAtBegin) > 0).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        _framer = new LineFramer();
        Queue(pending, begun >= 0 ? _startAt : 0, pending[^1]);
        _newestRotatedAtBegin = pending[^1];
        _beginInode = -1;
    }

    /// <summary>
    /// After a read of <c>current</c> failed, svlogd may have rotated it before this round:
    /// its rest is then read by its rotated name from where the read stopped, and the files
    /// after it, rather than the new <c>current</c> opened at the old file's offset.
    /// </summary>
    private void QueueIfRotatedSinceFailedRead()
    {
        var (pathInode, _) = StatPath(_path);
        if (pathInode != _inode)
        {
            QueueRotatedSince(_inode, _startAt);
        }
    }

    /// <summary>
    /// Reads the rest of the file open, which svlogd has just rotated; on a read error queues
    /// its rest by its rotated name and the files after it for the next round, and throws.
    /// </summary>
    private async Task<bool> ReadRestOfRotatedAsync()
    {
        try
        {
            return await ReadToEndAsync();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The framer keeps the part of a line before where the next round goes on.
            QueueRotatedSince(_inode, _stream!.Position);
            _stream.Dispose();
            _stream = null;
            throw;
        }
    }

    /// <summary>
    /// Queues the files svlogd rotated after the one that was the inode
    /// <paramref name="inode"/>: when it rotated more than once between two reads, the lines
    /// in between are there.
    /// </summary>
    private void QueueRotatedSince(long inode, long? oldFrom = null)
    {
        var files = RotatedFiles();
        var old = files.FindIndex(f => StatPath(f).Inode == inode);
        if (old >= 0 && oldFrom is { } from)
        {
            // That one too, from where its read stopped.
            Queue(files[old..], from, files[^1]);
            return;
        }

        _framer = new LineFramer();
        if (old >= 0)
        {
            Queue(files[(old + 1)..], 0, files.LastOrDefault());
            return;
        }

        // svlogd rotated so often between two reads that it removed the open file too (it
        // keeps five): every rotated file left is newer, and files between may be gone.
        var newer = files
            .Where(f => string.CompareOrdinal(f, _newestRotatedAtOpen) > 0)
            .ToList();
        _logger.LogWarning("svlogd rotated {Path} faster than it was read and removed files "
            + "that were not read yet: their lines are lost; {Count} rotated files left are read",
            _path, newer.Count);
        Queue(newer, 0, files.LastOrDefault());
    }

    /// <summary>
    /// Queues <paramref name="files"/>, the first from <paramref name="from"/>;
    /// <paramref name="newest"/> is the newest rotated file there is now, after which any file
    /// that svlogd rotates later sorts.
    /// </summary>
    private void Queue(List<string> files, long from, string? newest)
    {
        _unread.Clear();
        _unread.AddRange(files);
        _unreadAt = from;
        _unreadFailingSince = DateTimeOffset.MaxValue;
        _lastRotated = newest ?? "";
        _startAt = 0;
    }

    /// <summary>
    /// Reads the queued rotated files and then opens <c>current</c> from its start; a read
    /// error leaves the file it failed in and those after it queued for the next round.
    /// </summary>
    private async Task<bool> ReadUnreadAsync()
    {
        var added = false;
        while (_lastRotated is not null)
        {
            while (_unread.Count > 0)
            {
                added |= await ReadUnreadFirstAsync();
                _unread.RemoveAt(0);
                _unreadAt = 0;
                _unreadFailingSince = DateTimeOffset.MaxValue;
                _framer = new LineFramer();
            }

            _startAt = 0;
            if (!Open())
            {
                return added;
            }

            // While a read failed, svlogd may have rotated again: those files come first.
            var newer = RotatedFiles()
                .Where(f => string.CompareOrdinal(f, _lastRotated) > 0).ToList();
            if (newer.Count == 0)
            {
                _lastRotated = null;
                return added;
            }

            _stream!.Dispose();
            _stream = null;
            _unread.AddRange(newer);
            _lastRotated = newer[^1];
        }

        return added;
    }

    /// <summary>
    /// Reads the first queued rotated file from where the last read in it stopped; throws
    /// on a read error, unless the file has failed for <see cref="GiveUpRotated"/> already
    /// without a byte read.
    /// </summary>
    private async Task<bool> ReadUnreadFirstAsync()
    {
        var file = _unread[0];
        var from = _unreadAt;
        try
        {
            return await ReadRotatedAsync(file, from);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read that got further before it failed counts as a new failure: the minute is
            // for a file that yields nothing, not for one that is slow to read to its end.
            var now = _time.GetUtcNow();
            if (_unreadFailingSince == DateTimeOffset.MaxValue || _unreadAt > from)
            {
                _unreadFailingSince = now;
            }

            if (now - _unreadFailingSince < GiveUpRotated)
            {
                throw;
            }

            _logger.LogError(ex, "Could not read the rotated log relay file {Path} for "
                + "{Minutes} min; its lines after byte {Offset} are skipped", file,
                GiveUpRotated.TotalMinutes, _unreadAt);
            return false;
        }
    }

    /// <summary>The files svlogd rotated, oldest first (their TAI64N names sort by age).</summary>
    private List<string> RotatedFiles()
    {
        var folder = System.IO.Path.GetDirectoryName(_path)!;
        try
        {
            var files = Directory.GetFiles(folder, "@*");
            Array.Sort(files, StringComparer.Ordinal);
            return [.. files];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>
    /// Reads a rotated file from <paramref name="from"/> to its end; on a read error
    /// <see cref="_unreadAt"/> tells where it stopped.
    /// </summary>
    private async Task<bool> ReadRotatedAsync(string file, long from)
    {
        _reading = file;
        try
        {
            _stream = new FileStream(file, FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // svlogd removed it already, being over its count of old files.
            return false;
        }

        try
        {
            _stream.Position = Math.Min(from, _stream.Length);
            return await ReadToEndAsync();
        }
        finally
        {
            _unreadAt = _stream.Position;
            _stream.Dispose();
            _stream = null;
        }
    }

    private bool Open()
    {
        _reading = _path;
        FileStream stream;
        try
        {
            stream = new FileStream(_path, FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }

        _inode = StatHandle(stream);
        stream.Position = Math.Min(_startAt, stream.Length);
        _stream = stream;
        _newestRotatedAtOpen = RotatedFiles().LastOrDefault();
        return true;
    }

    private async Task<bool> ReadToEndAsync()
    {
        var any = false;
        int read;
        while ((read = _stream!.Read(_chunk, 0, _chunk.Length)) > 0)
        {
            any = true;
            _framer.Push(_chunk.AsSpan(0, read));
            var lines = _framer.TakeLines();
            if (lines.Count > 0)
            {
                await _deliver(lines.Select(LogRelay.Parse).ToList());
            }
        }

        return any;
    }

    private static (long Inode, long Length) StatPath(string path)
    {
        Span<byte> buffer = stackalloc byte[StatBytes];
        if (stat(path, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return (-1, 0);
        }

        return (MemoryMarshal.Read<long>(buffer[InodeOffset..]),
            MemoryMarshal.Read<long>(buffer[SizeOffset..]));
    }

    private static long StatHandle(FileStream stream)
    {
        Span<byte> buffer = stackalloc byte[StatBytes];
        var fd = (int)stream.SafeFileHandle.DangerousGetHandle();
        return fstat(fd, ref MemoryMarshal.GetReference(buffer)) == 0
            ? MemoryMarshal.Read<long>(buffer[InodeOffset..])
            : -1;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        ref byte buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int fstat(int fd, ref byte buffer);
}
