using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Tells when something changes in a folder, through one inotify instance for the whole
/// process and one thread that sleeps in its read: a write to a file in the folder
/// (IN_MODIFY), a file created, renamed into or out of it (svlogd's rotation renames
/// <c>current</c> away and creates a new one), or the folder itself moved or deleted. Each
/// watched folder costs one inotify watch, counted against
/// <c>/proc/sys/fs/inotify/max_user_watches</c> for the user, not a descriptor; the instance
/// is one descriptor for the whole process. When inotify cannot be started (EMFILE at
/// start-up, say) or its read fails, it is tried again on the next <see cref="Watch"/> after
/// <see cref="FirstRetry"/>, doubling up to <see cref="LastRetry"/>: followers poll meanwhile
/// and are watched again from their first round after it works.
/// </summary>
public sealed class FileWatch
{
    /// <summary>How long after inotify failed it is first tried again.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two tries while inotify keeps failing.</summary>
    public static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(1);

    private const int CloseOnExec = 0x80000; // IN_CLOEXEC
    private const uint Modify = 0x002; // IN_MODIFY
    private const uint MovedFrom = 0x040; // IN_MOVED_FROM
    private const uint MovedTo = 0x080; // IN_MOVED_TO
    private const uint Create = 0x100; // IN_CREATE
    private const uint DeleteSelf = 0x400; // IN_DELETE_SELF
    private const uint MoveSelf = 0x800; // IN_MOVE_SELF
    private const uint Ignored = 0x8000; // IN_IGNORED: the watch is gone
    private const int Overflow = -1; // the watch of IN_Q_OVERFLOW: events were lost
    private const uint OnlyFolder = 0x01000000; // IN_ONLYDIR
    private const uint Events = Modify | MovedFrom | MovedTo | Create | DeleteSelf | MoveSelf;
    private const int NoSpace = 28; // ENOSPC: max_user_watches reached
    private const int NotFound = 2; // ENOENT
    private const int Interrupted = 4; // EINTR
    private const int EventHeader = 16; // wd, mask, cookie, len
    private const string WatchLimit = "/proc/sys/fs/inotify/max_user_watches";

    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(10);

    private static readonly AsyncLocal<bool> _forcePolling = new();

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<Subscription>> _byWatch = [];
    private int _inotify = -1;
    private bool _failing;
    private DateTimeOffset _retryAt = DateTimeOffset.MinValue;
    private TimeSpan _retryAfter = FirstRetry;
    private int _warned;
    private bool _closing;

    /// <summary>A watch of its own, for tests; Cloner uses <see cref="Shared"/>.</summary>
    internal FileWatch(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>The one watch of this process, which <see cref="Watch"/> uses.</summary>
    internal static FileWatch Shared { get; } = new(TimeProvider.System);

    /// <summary>
    /// Set by tests to exercise the polling used without inotify; it holds for the code that
    /// the setter's flow runs and starts, so tests running at the same time are not affected.
    /// </summary>
    internal static bool ForcePolling
    {
        get => _forcePolling.Value;
        set => _forcePolling.Value = value;
    }

    /// <summary>
    /// Calls <paramref name="changed"/> (on the watch thread; it must not block) whenever
    /// something changes in <paramref name="folder"/>, until the subscription is disposed or
    /// <see cref="Subscription.IsLive"/> turns false (the folder was moved or deleted). Null
    /// when the folder does not exist, inotify is unavailable or its watch limit is reached
    /// (said once in the log): follow the folder by polling then, and ask again now and then.
    /// </summary>
    public static Subscription? Watch(string folder, Action changed, ILogger logger) =>
        Shared.Subscribe(folder, changed, logger);

    /// <summary>Opens the inotify instance now.</summary>
    public static void Prepare(ILogger logger) => Shared.Start(logger);

    /// <summary>What <see cref="Watch"/> does, on this watch.</summary>
    internal Subscription? Subscribe(string folder, Action changed, ILogger logger)
    {
        if (ForcePolling)
        {
            return null;
        }

        lock (_gate)
        {
            if (!EnsureInstance(logger))
            {
                return null;
            }

            var watch = inotify_add_watch(_inotify, folder, Events | OnlyFolder);
            if (watch < 0)
            {
                Refused(Marshal.GetLastPInvokeError(), folder, logger);
                return null;
            }

            var subscription = new Subscription(this, watch, changed);
            if (!_byWatch.TryGetValue(watch, out var subscribers))
            {
                subscribers = [];
                _byWatch[watch] = subscribers;
            }

            subscribers.Add(subscription);
            return subscription;
        }
    }

    /// <summary>Opens the inotify instance now, unless a try failed too recently.</summary>
    internal bool Start(ILogger logger)
    {
        lock (_gate)
        {
            return EnsureInstance(logger);
        }
    }

    /// <summary>
    /// Closes this watch's inotify instance and ends its thread: for a test's own watch, since
    /// the shared one lasts as long as the process. A watch added and removed at once wakes the
    /// thread from its read (IN_IGNORED), and it closes the instance itself.
    /// </summary>
    internal void Close()
    {
        lock (_gate)
        {
            _closing = true;
            if (_inotify < 0)
            {
                return;
            }

            var wake = inotify_add_watch(_inotify, "/", Create | OnlyFolder);
            if (wake >= 0)
            {
                inotify_rm_watch(_inotify, wake);
            }
        }
    }

    private bool EnsureInstance(ILogger logger)
    {
        if (_inotify >= 0)
        {
            return true;
        }

        if (_closing)
        {
            return false;
        }

        if (_time.GetUtcNow() < _retryAt)
        {
            return false;
        }

        var inotify = inotify_init1(CloseOnExec);
        if (inotify < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (Failed())
            {
                logger.LogWarning("inotify could not be started (errno {Errno}); log files are "
                    + "followed by polling, up to a second late, and inotify is tried again "
                    + "from time to time", error);
            }

            return false;
        }

        // The back-off starts again from FirstRetry only once a read has worked (Worked): an
        // instance whose read fails at once would otherwise be opened again every 5 s for good.
        _inotify = inotify;
        if (_failing)
        {
            _failing = false;
            logger.LogInformation("inotify works again; log files are watched again");
        }

        new Thread(Loop) { IsBackground = true, Name = "Cloner file watch" }
            .Start((inotify, logger));
        return true;
    }

    /// <summary>
    /// Waits before the next try, longer each time it fails again; true when inotify stops
    /// working now, the one time to say so in the log (not at each try of each follower).
    /// </summary>
    private bool Failed()
    {
        _retryAt = _time.GetUtcNow() + _retryAfter;
        _retryAfter = TimeSpan.FromTicks(Math.Min(_retryAfter.Ticks * 2, LastRetry.Ticks));
        if (_failing)
        {
            return false;
        }

        _failing = true;
        return true;
    }

    private void Refused(int error, string folder, ILogger logger)
    {
        if (error == NotFound)
        {
            return;
        }

        if (!FirstWarning())
        {
            return;
        }

        if (error == NoSpace)
        {
            logger.LogWarning("The inotify watch limit ({Limit} in " + WatchLimit + ") is "
                + "reached at {Folder}; further log folders are followed by polling, up to a "
                + "second late; raise it with sysctl fs.inotify.max_user_watches",
                ReadLimit(), folder);
            return;
        }

        logger.LogWarning("inotify could not watch the log folder {Folder} (errno {Errno}); "
            + "such folders are followed by polling, up to a second late", folder, error);
    }

    /// <summary>True the first time only: the fallback is said once in the log.</summary>
    private bool FirstWarning() => Interlocked.Exchange(ref _warned, 1) == 0;

    private static string ReadLimit()
    {
        try
        {
            return File.ReadAllText(WatchLimit).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private void Loop(object? state)
    {
        var (inotify, logger) = ((int, ILogger))state!;
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = read_events(inotify, buffer, buffer.Length);
            if (Closed(inotify))
            {
                return;
            }

            if (read < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error == Interrupted)
                {
                    continue;
                }

                Break(inotify, error, logger);
                return;
            }

            Worked();
            var offset = 0;
            while (offset + EventHeader <= read)
            {
                var watch = BitConverter.ToInt32(buffer, offset);
                var mask = BitConverter.ToUInt32(buffer, offset + 4);
                var length = BitConverter.ToInt32(buffer, offset + 12);
                offset += EventHeader + length;
                Deliver(watch, mask);
            }

            // svlogd writes each line alone; while this sleeps, the kernel merges the same
            // event repeated into one, so a flood costs a few wakes a second, not one a line.
            Thread.Sleep(Gather);
        }
    }

    /// <summary>A read of inotify worked: after a later failure it waits FirstRetry.</summary>
    private void Worked()
    {
        lock (_gate)
        {
            _retryAfter = FirstRetry;
        }
    }

    /// <summary>True after <see cref="Close"/>: followers let go, the instance closed.</summary>
    private bool Closed(int inotify)
    {
        lock (_gate)
        {
            if (!_closing)
            {
                return false;
            }

            foreach (var subscription in _byWatch.Values.SelectMany(l => l))
            {
                subscription.IsLive = false;
            }

            _byWatch.Clear();
            PosixSpawn.Close(inotify);
            _inotify = -1;
            return true;
        }
    }

    /// <summary>
    /// The watch thread cannot read inotify any more: every subscription is let go and woken,
    /// so its follower finds <see cref="Watch"/> answering null and polls until a later try
    /// opens inotify again.
    /// </summary>
    private void Break(int inotify, int error, ILogger logger)
    {
        Subscription[] subscribers;
        bool stopped;
        lock (_gate)
        {
            subscribers = [.. _byWatch.Values.SelectMany(l => l)];
            _byWatch.Clear();
            PosixSpawn.Close(inotify);
            _inotify = -1;
            foreach (var subscription in subscribers)
            {
                subscription.IsLive = false;
            }

            stopped = Failed();
        }

        if (stopped)
        {
            logger.LogError("Reading inotify failed (errno {Errno}); log files are followed by "
                + "polling, up to a second late, and inotify is tried again from time to time",
                error);
        }

        foreach (var subscription in subscribers)
        {
            subscription.Changed();
        }
    }

    private void Deliver(int watch, uint mask)
    {
        Subscription[] subscribers;
        lock (_gate)
        {
            if (watch == Overflow)
            {
                subscribers = [.. _byWatch.Values.SelectMany(l => l)];
            }
            else if (_byWatch.TryGetValue(watch, out var list))
            {
                subscribers = [.. list];
            }
            else
            {
                return;
            }

            if (watch != Overflow && (mask & (Ignored | DeleteSelf | MoveSelf)) != 0)
            {
                // The folder is gone or elsewhere: its watch no longer means the path.
                _byWatch.Remove(watch);
                inotify_rm_watch(_inotify, watch);
                foreach (var subscription in subscribers)
                {
                    subscription.IsLive = false;
                }
            }
        }

        foreach (var subscription in subscribers)
        {
            subscription.Changed();
        }
    }

    private void Forget(Subscription subscription)
    {
        lock (_gate)
        {
            if (!_byWatch.TryGetValue(subscription.Watch, out var list)
                || !list.Remove(subscription))
            {
                return;
            }

            if (list.Count == 0)
            {
                _byWatch.Remove(subscription.Watch);
                inotify_rm_watch(_inotify, subscription.Watch);
            }
        }
    }

    /// <summary>One follower's interest in one folder.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly FileWatch _owner;
        private volatile bool _isLive = true;

        internal Subscription(FileWatch owner, int watch, Action changed)
        {
            _owner = owner;
            Watch = watch;
            Changed = changed;
        }

        /// <summary>
        /// False once the folder was moved or deleted; watch it again. Set on the watch thread,
        /// read by the tails.
        /// </summary>
        public bool IsLive
        {
            get => _isLive;
            internal set => _isLive = value;
        }

        internal int Watch { get; }

        internal Action Changed { get; }

        public void Dispose()
        {
            IsLive = false;
            _owner.Forget(this);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_init1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_add_watch(int fd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mask);

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_rm_watch(int fd, int watch);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint read_events(int fd, byte[] buffer, nint count);
}
