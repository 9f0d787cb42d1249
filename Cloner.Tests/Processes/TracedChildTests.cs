using System.Diagnostics;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// Real processes: a child that an operator's tracer (strace -p, gdb) holds when it exits
/// still has its exit code taken, and is not left a zombie, once the tracer lets go.
/// </summary>
public sealed class TracedChildTests
{
    /// <summary>
    /// PTRACE_SEIZE (0x4206) the pid, say so, hold it without ever calling waitpid, then
    /// exit, which detaches it.
    /// </summary>
    private const string Tracer = """
        import ctypes, sys, time
        libc = ctypes.CDLL(None, use_errno=True)
        ok = libc.ptrace(0x4206, int(sys.argv[1]), 0, 0) == 0
        print("seized" if ok else "refused %d" % ctypes.get_errno(), flush=True)
        time.sleep(float(sys.argv[2]))
        """;

    [SkippableFact]
    public async Task ChildReaper_TracerHoldsExitedChild_CodeTakenOnceTracerLetsGo()
    {
        Skip.If(!PidWatch.IsAvailable, "this kernel has no pidfd_open");
        var pid = PosixSpawn.Spawn("/bin/sleep", ["sleep", "0.8"],
            new Dictionary<string, string>(), "/", stdin: -1, stdout: -1, stderr: -1);
        var exit = ChildReaper.Watch(pid);
        using var tracer = Process.Start(new ProcessStartInfo("python3", ["-c", Tracer,
            pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "3"])
        {
            RedirectStandardOutput = true,
        })!;
        var said = await tracer.StandardOutput.ReadLineAsync();
        Skip.If(said != "seized", $"ptrace is not allowed here ({said})");

        // The pidfd turns readable at 0.8 s, but waitpid waits for the tracer until 3 s.
        var code = await exit.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, code);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => ProcFs.Stat(pid) is null, SupervisorHarness.Patience),
            $"{pid} is left a zombie");
    }
}
