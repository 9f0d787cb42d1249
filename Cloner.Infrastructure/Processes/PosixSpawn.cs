using System.Runtime.InteropServices;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Starts a process with glibc's <c>posix_spawnp</c>: it leads a session and process group of
/// its own, every signal has its default disposition and none is blocked (the .NET runtime
/// ignores SIGPIPE, and an ignored signal stays ignored across exec), stdin, stdout and
/// stderr are the given descriptors and it starts in the given folder. The child is not a
/// .NET <see cref="System.Diagnostics.Process"/>; <see cref="ChildReaper"/> reaps it.
/// </summary>
public static class PosixSpawn
{
    private const short SetSignalDefaults = 0x04; // POSIX_SPAWN_SETSIGDEF
    private const short SetSignalMask = 0x08; // POSIX_SPAWN_SETSIGMASK
    private const short SetSession = 0x80; // POSIX_SPAWN_SETSID in glibc
    private const int CloseOnExec = 0x80000; // O_CLOEXEC on Linux
    private const int ReadWrite = 2; // O_RDWR

    /// <summary>Far more than glibc's file actions (80 bytes) and attributes (336 bytes).</summary>
    private const int OpaqueBytes = 1024;

    private const int SignalSetBytes = 128;

    /// <summary>
    /// Spawns <paramref name="file"/> (a full path) and returns its pid. <paramref name="stdin"/>,
    /// <paramref name="stdout"/> and <paramref name="stderr"/> are descriptors of this process,
    /// or -1 for <c>/dev/null</c>. Throws <see cref="IOException"/> with the errno when the
    /// spawn failed (the command could not be exec'd, the folder is missing); the exception's
    /// HResult is that errno, as for every failure here.
    /// </summary>
    public static int Spawn(
        string file,
        IReadOnlyList<string> argv,
        IReadOnlyDictionary<string, string> environment,
        string folder,
        int stdin,
        int stdout,
        int stderr)
    {
        var actions = Marshal.AllocHGlobal(OpaqueBytes);
        var attributes = Marshal.AllocHGlobal(OpaqueBytes);
        var signals = Marshal.AllocHGlobal(SignalSetBytes);
        var strings = new List<nint>();
        var actionsReady = false;
        var attributesReady = false;
        try
        {
            Check(posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            actionsReady = true;
            Check(posix_spawnattr_init(attributes), "posix_spawnattr_init");
            attributesReady = true;

            Redirect(actions, stdin, 0);
            Redirect(actions, stdout, 1);
            Redirect(actions, stderr, 2);
            Check(posix_spawn_file_actions_addchdir_np(actions, folder), "addchdir_np");

            Check(posix_spawnattr_setflags(attributes,
                SetSignalDefaults | SetSignalMask | SetSession), "posix_spawnattr_setflags");
            sigfillset(signals);
            Check(posix_spawnattr_setsigdefault(attributes, signals), "setsigdefault");
            sigemptyset(signals);
            Check(posix_spawnattr_setsigmask(attributes, signals), "setsigmask");

            var args = ToStrings(argv, strings);
            var env = ToStrings(environment.Select(v => v.Key + "=" + v.Value).ToList(), strings);
            var error = posix_spawnp(out var pid, file, actions, attributes, args, env);
            return error == 0
                ? pid
                : throw new IOException(
                    $"posix_spawnp of {file} failed with errno {error} ({Describe(error)})",
                    error);
        }
        finally
        {
            foreach (var text in strings)
            {
                Marshal.FreeCoTaskMem(text);
            }

            if (attributesReady)
            {
                posix_spawnattr_destroy(attributes);
            }

            if (actionsReady)
            {
                posix_spawn_file_actions_destroy(actions);
            }

            Marshal.FreeHGlobal(signals);
            Marshal.FreeHGlobal(attributes);
            Marshal.FreeHGlobal(actions);
        }
    }

    /// <summary>A pipe whose two ends are closed on exec (only dup2'd copies survive).</summary>
    public static (int Read, int Write) Pipe()
    {
        var fds = new int[2];
        if (pipe2(fds, CloseOnExec) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new IOException($"pipe2 failed with errno {error} ({Describe(error)})", error);
        }

        return (fds[0], fds[1]);
    }

    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            close(fd);
        }
    }

    private static void Redirect(nint actions, int fd, int target)
    {
        if (fd < 0)
        {
            Check(posix_spawn_file_actions_addopen(actions, target, "/dev/null", ReadWrite, 0),
                "addopen /dev/null");
        }
        else
        {
            Check(posix_spawn_file_actions_adddup2(actions, fd, target), "adddup2");
        }
    }

    private static nint[] ToStrings(IReadOnlyList<string> values, List<nint> allocated)
    {
        var result = new nint[values.Count + 1];
        for (var i = 0; i < values.Count; i++)
        {
            result[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
            allocated.Add(result[i]);
        }

        return result;
    }

    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new IOException($"{call} failed with errno {error} ({Describe(error)})", error);
        }
    }

    private static string Describe(int error) => Marshal.GetPInvokeErrorMessage(error);

    [DllImport("libc")]
    private static extern int posix_spawnp(out int pid,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string file,
        nint fileActions, nint attributes, nint[] argv, nint[] envp);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_init(nint actions);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_destroy(nint actions);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_adddup2(nint actions, int fd, int target);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_addopen(nint actions, int fd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_addchdir_np(nint actions,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path);

    [DllImport("libc")]
    private static extern int posix_spawnattr_init(nint attributes);

    [DllImport("libc")]
    private static extern int posix_spawnattr_destroy(nint attributes);

    [DllImport("libc")]
    private static extern int posix_spawnattr_setflags(nint attributes, short flags);

    [DllImport("libc")]
    private static extern int posix_spawnattr_setsigdefault(nint attributes, nint signals);

    [DllImport("libc")]
    private static extern int posix_spawnattr_setsigmask(nint attributes, nint signals);

    [DllImport("libc")]
    private static extern int sigfillset(nint signals);

    [DllImport("libc")]
    private static extern int sigemptyset(nint signals);

    [DllImport("libc", SetLastError = true)]
    private static extern int pipe2(int[] fds, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
