using System.Runtime.InteropServices;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Reaps the children spawned through <see cref="PosixSpawn"/>: each child gets a
/// <see cref="PidWatch"/> (a pidfd), and when it becomes readable <c>waitpid</c> takes the exit
/// code, so nothing runs while no child exits. When the kernel has no pidfd_open, one thread
/// for the whole process polls <c>waitpid(pid, WNOHANG)</c> for each child every
/// <see cref="Poll"/> instead. Either way it outlives any supervisor, the way init outlives a
/// dead Cloner, so no child is left a zombie. .NET's own SIGCHLD handling waits only for the
/// pids of the <see cref="System.Diagnostics.Process"/> objects it started (SIGCHLD is not
/// ignored), so it does not take these exit codes.
/// Known shortcoming: the polling fallback costs CPU in proportion to the children (each
/// component and its two log relays), about 5 % of one core for 100 clones of 3 components.
/// </summary>
public static class ChildReaper
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private const int NoHang = 1; // WNOHANG
    private const int Interrupted = 4; // EINTR

    private static readonly Lock _gate = new();
    private static readonly Dictionary<int, TaskCompletionSource<int?>> _children = [];
    private static readonly Dictionary<int, Task<int?>> _watched = [];
    private static Thread? _thread;

    /// <summary>
    /// Completes with the child's exit code (128 + the signal for one killed by a signal),
    /// or null when it could not be known. Call right after the spawn.
    /// </summary>
    public static Task<int?> Watch(int pid)
    {
        lock (_gate)
        {
            if (_children.TryGetValue(pid, out var polled))
            {
                return polled.Task;
            }

            if (_watched.TryGetValue(pid, out var watched))
            {
                return watched;
            }

            var exit = new TaskCompletionSource<int?>(
                TaskCreationOptions.RunContinuationsAsynchronously);
            var exited = PidWatch.WhenExited(pid);
            if (exited is not null)
            {
                _watched[pid] = exit.Task;
                _ = exited.ContinueWith(_ => Reap(pid, exit),
                    CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                return exit.Task;
            }

            PollLater(pid, exit);
            return exit.Task;
        }
    }

    /// <summary>Hands the child to the polling thread; call with the gate held.</summary>
    private static void PollLater(int pid, TaskCompletionSource<int?> exit)
    {
        _children[pid] = exit;
        if (_thread is null)
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "Cloner child reaper" };
            _thread.Start();
        }
    }

    /// <summary>
    /// Takes the exit code of a child whose pidfd says it has exited. A child traced by another
    /// process (strace -p, gdb) is that tracer's to reap first: waitpid says it still runs
    /// until the tracer lets go, so such a child goes on to the polling thread rather than
    /// being left a zombie.
    /// </summary>
    private static void Reap(int pid, TaskCompletionSource<int?> exit)
    {
        // The child is a zombie by now; a few tries cover a kernel that says so a moment early.
        for (var tries = 0; tries < 100; tries++)
        {
            if (tries > 0)
            {
                Thread.Sleep(10);
            }

            lock (_gate)
            {
                // Under the gate: once reaped, the pid may name a new child, whose Watch must
                // not find this one's task.
                var (result, code) = WaitNoHang(pid);
                if (result == 0)
                {
                    continue;
                }

                _watched.Remove(pid);
                // ECHILD: someone else reaped it; its exit code is lost.
                exit.TrySetResult(result > 0 ? code : null);
                return;
            }
        }

        lock (_gate)
        {
            _watched.Remove(pid);
            PollLater(pid, exit);
        }
    }

    private static (int Result, int? Code) WaitNoHang(int pid)
    {
        int result;
        int? code;
        do
        {
            result = waitpid(pid, out var status, NoHang);
            code = Decode(status);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        return (result, code);
    }

    private static void Loop()
    {
        while (true)
        {
            Thread.Sleep(Poll);
            List<KeyValuePair<int, TaskCompletionSource<int?>>> children;
            lock (_gate)
            {
                children = _children.ToList();
            }

            foreach (var (pid, exit) in children)
            {
                lock (_gate)
                {
                    var (result, code) = WaitNoHang(pid);
                    if (result == 0)
                    {
                        continue;
                    }

                    _children.Remove(pid);
                    // ECHILD: someone else reaped it; its exit code is lost.
                    exit.TrySetResult(result > 0 ? code : null);
                }
            }
        }
    }

    private static int? Decode(int status)
    {
        var signal = status & 0x7f;
        if (signal == 0)
        {
            return (status >> 8) & 0xff;
        }

        return signal == 0x7f ? null : 128 + signal;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int waitpid(int pid, out int status, int options);
}
