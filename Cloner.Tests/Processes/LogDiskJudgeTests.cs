using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;
using Cloner.Tests.Recovery;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Processes;

/// <summary>
/// The logs disk's threshold and messages, and (on a real 512 KiB tmpfs) what a full disk
/// does to Cloner's notes and to a running component's message.
/// </summary>
public sealed class LogDiskJudgeTests
{
    private const string LogsDir = "/srv/cloner/data/logs";

    [Fact]
    public void Judge_FreeBelowTwoRelayBuffers_FullWithMessageNamingFolderAndFree()
    {
        var state = LogDisk.Judge(LogsDir, 12 * 1024, sawNoSpace: false);

        Assert.True(state.IsFull);
        Assert.Equal("the logs disk (/srv/cloner/data/logs) is full (12 KiB free): the log relays "
            + "have paused, and this component will block once it writes more; free space "
            + "under /srv/cloner/data/logs", state.Message);
        Assert.StartsWith("the logs disk (/srv/cloner/data/logs) is full (12 KiB free)",
            state.HostMessage, StringComparison.Ordinal);
        Assert.True(LogDisk.IsLogDiskMessage(state.Message));
    }

    [Fact]
    public void Judge_FreeAtTwoRelayBuffers_NotFullNoMessages()
    {
        var state = LogDisk.Judge(LogsDir, 2 * LogRelay.BufferBytes, sawNoSpace: false);

        Assert.False(state.IsFull);
        Assert.Null(state.Message);
        Assert.Null(state.HostMessage);
    }

    [Fact]
    public void Judge_NoSpaceSeenWithRoomMeasured_Full()
    {
        Assert.True(LogDisk.Judge(LogsDir, 50L * 1024 * 1024, sawNoSpace: true).IsFull);
    }

    [Fact]
    public void Judge_NotMeasurable_NotFull()
    {
        Assert.False(LogDisk.Judge(LogsDir, null, sawNoSpace: false).IsFull);
    }

    [Fact]
    public void IsLogDiskMessage_OtherMessages_False()
    {
        Assert.False(LogDisk.IsLogDiskMessage("exited with code 1"));
        Assert.False(LogDisk.IsLogDiskMessage(null));
    }

    [Fact]
    public void TakeNoSpace_ReportUnderLogsDir_TrueOnceAndNotForOtherFolders()
    {
        var logs = "/tmp/cloner-judge-" + Guid.NewGuid().ToString("N");
        LogDisk.ReportNoSpace(Path.Combine(logs, "bot1", "bot", ComponentLog.NotesFile));

        Assert.False(LogDisk.TakeNoSpace(logs + "-other"));
        Assert.True(LogDisk.TakeNoSpace(logs));
        Assert.False(LogDisk.TakeNoSpace(logs));
    }

    [SkippableFact]
    public async Task Notes_TmpfsFull_NoThrowReportsNoSpaceAndRotatingFileThrowsNoSpace()
    {
        Skip.IfNot(TmpfsMount.Permitted(out var why), why);
        var folder = Directory.CreateTempSubdirectory("cloner-full-").FullName;
        TmpfsMount.Mount(folder, "512k");
        try
        {
            Fill(folder);
            var file = new RotatingLogFile(Path.Combine(folder, "direct.log"));
            var line = new LogLine(1, DateTimeOffset.UtcNow, false, new string('n', 8000));
            var thrown = Assert.ThrowsAny<IOException>(() => file.Write([line]));
            Assert.True(LogDisk.IsNoSpace(thrown), $"{thrown.HResult}: {thrown.Message}");

            var log = new ComponentLog("bot1", "bot", Path.Combine(folder, "bot1", "bot"), 100,
                new Cloner.Domain.Live.CloneFeed(), TimeProvider.System, NullLogger.Instance);
            log.Note(new string('n', 8000));
            log.Note("a second note on the full disk");
            await log.DisposeAsync();

            Assert.True(LogDisk.TakeNoSpace(folder));
            Assert.Equal(2, log.Ring.Count);
        }
        finally
        {
            TmpfsMount.Unmount(folder);
            Directory.Delete(folder, recursive: true);
        }
    }

    [SkippableFact]
    public async Task LogRelayStart_DiskFullNewFolder_RelayStartsWithoutConfigAndEndsAtEof()
    {
        Skip.IfNot(TmpfsMount.Permitted(out var why), why);
        var svlogd = LogRelay.Find();
        Skip.If(svlogd is null, "runit's svlogd is not installed");
        var folder = Directory.CreateTempSubdirectory("cloner-full-").FullName;
        TmpfsMount.Mount(folder, "256k");
        try
        {
            Fill(folder);
            var (read, write) = PosixSpawn.Pipe();

            var pid = LogRelay.Start(svlogd!, Path.Combine(folder, "bot1", "bot", "out"), read);

            var exit = ChildReaper.Watch(pid);
            PosixSpawn.Close(read);
            Assert.True(LogDisk.TakeNoSpace(folder));
            PosixSpawn.Close(write);
            Assert.Equal(0, await exit.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            TmpfsMount.Unmount(folder);
            Directory.Delete(folder, recursive: true);
        }
    }

    [SkippableFact]
    public async Task CheckLogDisk_LogsTmpfsFilledThenFreed_RunningComponentMessageComesAndGoes()
    {
        Skip.IfNot(TmpfsMount.Permitted(out var why), why);
        var root = Directory.CreateTempSubdirectory("cloner-logdisk-").FullName;
        var logs = Path.Combine(root, "data", "logs");
        TmpfsMount.Mount(logs, "1m");
        try
        {
            await using (var harness = new SupervisorHarness(root))
            {
                var monitor = new ResourceMonitor(harness.Supervisor, harness.Feed,
                    TimeProvider.System, NullLogger<ResourceMonitor>.Instance);
                var sleepy = SupervisorHarness.Shell("sleepy", "sleep 1000");
                await harness.StartAsync(sleepy);
                var exited = SupervisorHarness.Shell("short", "exit 3");
                await harness.StartAsync(exited);
                await SupervisorHarness.EventuallyAsync(
                    () => harness.Supervisor.Current("bot1", "short").State
                        == ComponentState.Exited, SupervisorHarness.Patience);

                var filler = Fill(logs);
                await monitor.CheckLogDiskAsync();

                Assert.True(monitor.LogDisk?.IsFull, $"free {monitor.LogDisk?.FreeBytes}");
                var full = harness.Supervisor.Current("bot1", "sleepy");
                Assert.Contains(full.State,
                    new[] { ComponentState.Starting, ComponentState.Running });
                Assert.Equal(monitor.LogDisk!.Message, full.Message);
                Assert.Equal("exited with code 3",
                    harness.Supervisor.Current("bot1", "short").Message);

                File.Delete(filler);
                await monitor.CheckLogDiskAsync();

                Assert.False(monitor.LogDisk?.IsFull);
                Assert.Null(harness.Supervisor.Current("bot1", "sleepy").Message);
                Assert.Equal("exited with code 3",
                    harness.Supervisor.Current("bot1", "short").Message);
                await harness.StopAsync(sleepy);
            }
        }
        finally
        {
            TmpfsMount.Unmount(logs);
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Writes a file until the disk refuses; answers its path.</summary>
    private static string Fill(string folder)
    {
        var path = Path.Combine(folder, "filler");
        var chunk = new byte[64 * 1024];
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write,
                FileShare.None, bufferSize: 0);
            while (true)
            {
                stream.Write(chunk);
            }
        }
        catch (IOException ex) when (LogDisk.IsNoSpace(ex))
        {
            return path;
        }
    }
}
