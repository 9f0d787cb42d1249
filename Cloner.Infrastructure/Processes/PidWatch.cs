using System.Runtime.InteropServices;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Tells when a process ends, child of Cloner or not, at no cost while it runs: a pidfd
/// (<c>pidfd_open</c>, Linux 5.3 or later) per watched process, all in one epoll on which one
/// thread for the whole process sleeps until a pidfd becomes readable, which it does once the
/// process has exited (a child is then a zombie, still to be reaped). A pidfd names the process
/// itself, not its number, so a pid reused meanwhile cannot be mistaken for it. Each watched
/// process costs one descriptor (close-on-exec, so no spawned component inherits it) until it
/// ends or the watch is cancelled; the epoll is one more for the whole process.
/// </summary>
public static class PidWatch
{
    private const long PidfdOpenCall = 434; // the same number on x86-64 and arm64
    private const int CloseOnExec = 0x80000; // EPOLL_CLOEXEC
    private const int Add = 1; // EPOLL_CTL_ADD
    private const int Delete = 2; // EPOLL_CTL_DEL
    private const uint Readable = 0x001; // EPOLLIN
    private const int NoSuchProcess = 3; // ESRCH
    private const int Interrupted = 4; // EINTR
    private const int EventsPerWait = 64;

    private static readonly Lock _gate = new();
    private static readonly AsyncLocal<bool> _forcePolling = new();
    private static readonly Dictionary<long, Watched> _watched = [];
    private static readonly bool _supported = Probe();
    private static int _epoll = -1;
    private static long _nextId;

    /// <summary>
    /// Set by tests to exercise the polling used without pidfd; it holds for the code that
    /// the setter's flow runs and starts, so tests running at the same time are not affected.
    /// </summary>
    internal static bool ForcePolling
    {
        get => _forcePolling.Value;
        set => _forcePolling.Value = value;
    }

    /// <summary>False without pidfd_open (ENOSYS) or when a test forced polling.</summary>
    public static bool IsAvailable => _supported && !ForcePolling;

    /// <summary>
    /// A task that completes when process <paramref name="pid"/> has exited (at once when it is
    /// gone already, or when <paramref name="isSame"/>, asked once the pidfd is open, says the
    /// pid names another process now), and is cancelled with <paramref name="cancel"/>, which
    /// also closes its descriptor. Null when pidfds cannot be used: poll instead.
    /// </summary>
    public static Task? WhenExited(
        int pid, Func<bool>? isSame = null, CancellationToken cancel = default)
    {
        if (!IsAvailable)
        {
            return null;
        }

        var fd = OpenPidfd(pid);
        if (fd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            return error == NoSuchProcess ? Task.CompletedTask : null;
        }

        if (isSame is not null && !isSame())
        {
            PosixSpawn.Close(fd);
            return Task.CompletedTask;
        }

        var watched = new Watched(fd);
        long id;
        lock (_gate)
        {
            if (!EnsureEpoll())
            {
                PosixSpawn.Close(fd);
                return null;
            }

            id = ++_nextId;
            Span<byte> item = stackalloc byte[EventBytes];
            WriteEvent(item, Readable, id);
            if (epoll_ctl(_epoll, Add, fd, ref MemoryMarshal.GetReference(item)) != 0)
            {
                PosixSpawn.Close(fd);
                return null;
            }

            _watched[id] = watched;
            // Under the gate (which is reentrant, for a token cancelled already): a process
            // that ends at once must not be forgotten by the epoll thread before this is set,
            // or the registration would stay on a long-lived token for good.
            if (cancel.CanBeCanceled)
            {
                watched.Cancellation = cancel.Register(() => Forget(id, cancelled: true));
            }
        }

        return watched.Exit.Task;
    }

    /// <summary>Opens the epoll now, when pidfds can be used.</summary>
    public static void Prepare()
    {
        if (!_supported)
        {
            return;
        }

        lock (_gate)
        {
            EnsureEpoll();
        }
    }

    private static bool Probe()
    {
        var fd = OpenPidfd(Environment.ProcessId);
        if (fd < 0)
        {
            return false;
        }

        PosixSpawn.Close(fd);
        return true;
    }

    private static int OpenPidfd(int pid)
    {
        long fd;
        do
        {
            fd = syscall(PidfdOpenCall, pid, 0);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        return (int)fd;
    }

    private static bool EnsureEpoll()
    {
        if (_epoll >= 0)
        {
            return true;
        }

        _epoll = epoll_create1(CloseOnExec);
        if (_epoll < 0)
        {
            return false;
        }

        new Thread(Loop) { IsBackground = true, Name = "Cloner pid watch" }.Start();
        return true;
    }

    private static void Loop()
    {
        var events = new byte[EventBytes * EventsPerWait];
        while (true)
        {
            var count = epoll_wait(_epoll, ref events[0], EventsPerWait, -1);
            for (var i = 0; i < count; i++)
            {
                var id = MemoryMarshal.Read<long>(events.AsSpan(i * EventBytes + DataOffset));
                Forget(id, cancelled: false);
            }
        }
    }

    /// <summary>Takes the watch out of the epoll, closes its pidfd, completes its task.</summary>
    private static void Forget(long id, bool cancelled)
    {
        Watched? watched;
        lock (_gate)
        {
            if (!_watched.Remove(id, out watched))
            {
                return;
            }

            Span<byte> item = stackalloc byte[EventBytes];
            epoll_ctl(_epoll, Delete, watched.Fd, ref MemoryMarshal.GetReference(item));
            PosixSpawn.Close(watched.Fd);
        }

        watched.Cancellation.Dispose();
        if (cancelled)
        {
            watched.Exit.TrySetCanceled();
        }
        else
        {
            watched.Exit.TrySetResult();
        }
    }

    // struct epoll_event is packed on x86-64 (12 bytes, data at 4), natural elsewhere.
    private static int EventBytes =>
        RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static int DataOffset =>
        RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private static void WriteEvent(Span<byte> item, uint events, long data)
    {
        item.Clear();
        MemoryMarshal.Write(item, in events);
        MemoryMarshal.Write(item[DataOffset..], in data);
    }

    private sealed class Watched(int fd)
    {
        public int Fd { get; } = fd;

        public TaskCompletionSource Exit { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, int pid, uint flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_ctl(int epoll, int operation, int fd, ref byte item);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_wait(int epoll, ref byte events, int max, int timeout);
}
