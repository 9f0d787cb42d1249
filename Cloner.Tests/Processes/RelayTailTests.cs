using System.Collections.Concurrent;
using System.Diagnostics;
using Cloner.Infrastructure.Processes;
using Cloner.Tests.Blueprints;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cloner.Tests.Processes;

/// <summary>
/// A tail on a real relay folder: woken by inotify, it follows svlogd's rotations without a
/// lost line, and with inotify forced off it does the same by polling.
/// </summary>
public sealed class RelayTailTests : IDisposable
{
    private readonly string _folder =
        Directory.CreateTempSubdirectory("cloner-tail-").FullName;

    private readonly ConcurrentQueue<string> _lines = new();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task RelayTail_LineAppendedWhileIdle_ArrivesThroughInotify()
    {
        var current = Path.Combine(_folder, LogRelay.CurrentFile);
        await File.WriteAllTextAsync(current, "2026-01-01_00:00:00.00000 before\n");
        await using var tail = StartTail(current);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => tail.IsWatched, SupervisorHarness.Patience), "the folder was not watched");

        // Idle a while first: the line after a quiet spell is the one a poll would be late for.
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        // A watched tail reads only when woken, and its one other wake is the shared safety
        // tick: a line that arrives with no tick in between came through inotify. A tick can
        // fall in between by chance (one each 5 s), so that case tries again.
        var byInotify = false;
        for (var attempt = 0; attempt < 5 && !byInotify; attempt++)
        {
            var ticks = RelayTail.SafetyTicks;
            var line = $"after {attempt}";
            await File.AppendAllTextAsync(current, $"2026-01-01_00:00:01.00000 {line}\n");
            Assert.True(await SupervisorHarness.EventuallyAsync(
                () => _lines.Contains(line), SupervisorHarness.Patience), $"no \"{line}\"");
            byInotify = RelayTail.SafetyTicks == ticks;
        }

        Assert.True(byInotify, "every line came with a safety tick, none through inotify");
        Assert.DoesNotContain("before", _lines);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RelayTail_SvlogdRotates_EveryLineFollowedInOrder(bool forcePolling)
    {
        var svlogd = LogRelay.Find();
        Skip.If(svlogd is null, "runit's svlogd is not installed");
        FileWatch.ForcePolling = forcePolling;
        // Rotate at 4 KiB and keep plenty of old files: about 100 lines a file.
        await File.WriteAllTextAsync(Path.Combine(_folder, "config"), "s4096\nn100\n");
        await using var tail = StartTail(Path.Combine(_folder, LogRelay.CurrentFile));

        var script = "for i in $(seq 1 400); do echo \"line $i\"; "
            + "[ $((i % 25)) = 0 ] && sleep 0.1; done | " + svlogd + " -tt " + _folder;
        using (var relay = Process.Start("sh", ["-c", script]))
        {
            await relay.WaitForExitAsync();
        }

        Assert.True(Directory.GetFiles(_folder, "@*").Length >= 3, "svlogd did not rotate");
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _lines.Count >= 400, TimeSpan.FromSeconds(10)),
            $"{_lines.Count} of 400 lines arrived");
        Assert.Equal(Enumerable.Range(1, 400).Select(i => $"line {i}"), _lines);
        Assert.Equal(!forcePolling, tail.IsWatched);
    }

    [Fact]
    public async Task RelayTail_RotatedBeforeItsFirstRead_ReadsTheRotatedFilesThenCurrent()
    {
        // The relay folder appears at once with two rotations done, as when a flood filled
        // 10 MB before a tail on a busy machine first ran: no line of it may be lost.
        var relay = Path.Combine(_folder, "out");
        var staging = Path.Combine(_folder, "staging");
        Directory.CreateDirectory(staging);
        await using var tail = StartTail(Path.Combine(relay, LogRelay.CurrentFile));
        await File.WriteAllTextAsync(Path.Combine(staging, "@4000000000000001.s"),
            Stamped("line 1", "line 2"));
        await File.WriteAllTextAsync(Path.Combine(staging, "@4000000000000002.s"),
            Stamped("line 3"));
        await File.WriteAllTextAsync(Path.Combine(staging, LogRelay.CurrentFile),
            Stamped("line 4"));

        Directory.Move(staging, relay);

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _lines.Count >= 4, SupervisorHarness.Patience),
            $"{_lines.Count} of 4 lines arrived");
        Assert.Equal(["line 1", "line 2", "line 3", "line 4"], _lines);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RelayTail_RotatedFileFailsToRead_NextRoundsGoOnFromItNoLineLostOrTwice(
        bool forcePolling)
    {
        FileWatch.ForcePolling = forcePolling;
        var current = Path.Combine(_folder, LogRelay.CurrentFile);
        await File.WriteAllTextAsync(current, "");
        await using var tail = StartTail(current);
        var broken = await RotateThreeTimesMiddleBrokenAsync(current, "line 2");

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _lines.Contains("line 2"), SupervisorHarness.Patience), "no \"line 2\"");
        Assert.True(await tail.CatchUpAsync(SupervisorHarness.Patience), "no read round ended");
        Assert.Equal(["line 1", "line 2"], _lines);

        MoveIn(Stamped("line 3"), broken);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _lines.Count >= 5, SupervisorHarness.Patience),
            $"{_lines.Count} of 5 lines arrived once the file could be read");
        await File.AppendAllTextAsync(current, Stamped("line 6"));
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _lines.Contains("line 6"), SupervisorHarness.Patience), "no \"line 6\"");
        Assert.True(await tail.CatchUpAsync(SupervisorHarness.Patience), "no read round ended");
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"line {i}"), _lines);
    }

    [Fact]
    public async Task RelayTail_RotatedFileFailsForAMinute_SkippedAndTheRestRead()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logger = new ListLogger<RelayTail>();
        var current = Path.Combine(_folder, LogRelay.CurrentFile);
        await File.WriteAllTextAsync(current, "");
        await using var tail = StartTail(current, time, logger);
        var broken = await RotateThreeTimesMiddleBrokenAsync(current, lastInOld: null);
        Assert.True(await tail.CatchUpAsync(SupervisorHarness.Patience), "no read round ended");
        Assert.Equal(["line 1"], _lines);

        time.Advance(RelayTail.GiveUpRotated);

        Assert.True(await tail.CatchUpAsync(SupervisorHarness.Patience), "no read round ended");
        Assert.Equal(["line 1", "line 4", "line 5"], _lines);
        // Said once when it first fails, not at each round that tried it, and once skipped.
        Assert.Collection(logger.Entries.Where(e => e.Level > LogLevel.Debug),
            e => Assert.Equal(
                (LogLevel.Warning, $"Could not read the log relay file {broken}"), e),
            e =>
            {
                Assert.Equal(LogLevel.Error, e.Level);
                Assert.Equal($"Could not read the rotated log relay file {broken} for 1 min; "
                    + "its lines after byte 0 are skipped", e.Message);
            });
    }

    [Fact]
    public async Task RelayTail_TakerOfLinesThrowsOnce_LaterLinesStillArrive()
    {
        var current = Path.Combine(_folder, LogRelay.CurrentFile);
        await File.WriteAllTextAsync(current, "");
        var calls = 0;
        var tail = new RelayTail(current, lines =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("the taker of lines failed");
            }

            foreach (var (_, text) in lines)
            {
                _lines.Enqueue(text);
            }

            return ValueTask.CompletedTask;
        }, NullLogger.Instance);
        await using (tail)
        {
            tail.Begin();
            await File.AppendAllTextAsync(current, Stamped("lost in the fault"));
            Assert.True(await SupervisorHarness.EventuallyAsync(
                () => Volatile.Read(ref calls) >= 1, SupervisorHarness.Patience));

            await File.AppendAllTextAsync(current, Stamped("after the fault"));

            Assert.True(await SupervisorHarness.EventuallyAsync(
                () => _lines.Contains("after the fault"), SupervisorHarness.Patience),
                "the tail stopped for good after its taker of lines threw once");
        }
    }

    [Fact]
    public async Task RelayTail_RotatedPastTheKeptCountBetweenReads_ReadsTheFilesLeft()
    {
        var current = Path.Combine(_folder, LogRelay.CurrentFile);
        File.WriteAllText(Path.Combine(_folder, "@4000000000000000.s"), Stamped("line 0"));
        await File.WriteAllTextAsync(current, "");
        await using var tail = StartTail(current);
        await File.AppendAllTextAsync(current, Stamped("line 1"));
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _lines.Count >= 1, SupervisorHarness.Patience), "no \"line 1\"");

        // svlogd rotated seven times between two reads and, keeping five, removed the file
        // that was current (the tail's descriptor still reads it) and the one after it. The
        // file from before the tail began is left here, and must not be read again.
        for (var i = 3; i <= 7; i++)
        {
            MoveIn(Stamped($"line {i}"), Path.Combine(_folder, $"@400000000000000{i}.s"));
        }

        await File.AppendAllTextAsync(current, Stamped("line 2"));
        var rotated = Path.Combine(_folder, "@4000000000000001.s");
        File.Move(current, rotated);
        File.Delete(rotated);
        MoveIn(Stamped("line 8"), current);

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _lines.Contains("line 8"), SupervisorHarness.Patience), "no \"line 8\"");
        Assert.True(await tail.CatchUpAsync(SupervisorHarness.Patience), "no read round ended");
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8 }.Select(i => $"line {i}"), _lines);
    }

    [Fact]
    public async Task RelayTail_ReadOfCurrentFailsThenRotated_RestOfOldThenNewEachLineOnce()
    {
        var current = Path.Combine(_folder, LogRelay.CurrentFile);
        await File.WriteAllTextAsync(current, "");
        var failing = new TaskCompletionSource();
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var tail = new RelayTail(current, async lines =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                failing.SetResult();
                await resume.Task;
                throw new IOException("the read of current failed");
            }

            foreach (var (_, text) in lines)
            {
                _lines.Enqueue(text);
            }
        }, NullLogger.Instance);
        await using (tail)
        {
            tail.Begin();
            await File.AppendAllTextAsync(current, Stamped("lost in the fault"));
            await failing.Task.WaitAsync(SupervisorHarness.Patience);

            // While the read fails, svlogd writes on and rotates: the old inode's rest is now
            // under its rotated name, and the new current starts with a line of its own.
            await File.AppendAllTextAsync(current, Stamped("line 2"));
            File.Move(current, Path.Combine(_folder, "@4000000000000001.s"));
            MoveIn(Stamped("line 3"), current);
            resume.SetResult();

            Assert.True(await SupervisorHarness.EventuallyAsync(
                () => _lines.Contains("line 3"), SupervisorHarness.Patience),
                $"lines after the failed read: {string.Join(", ", _lines)}");
            Assert.True(await tail.CatchUpAsync(SupervisorHarness.Patience), "no round ended");
            Assert.Equal(["line 2", "line 3"], _lines);
        }
    }

    /// <summary>
    /// Puts <paramref name="text"/> at <paramref name="path"/> in one rename, as svlogd puts
    /// a file in place: a read never sees it half written.
    /// </summary>
    private void MoveIn(string text, string path)
    {
        var staged = Path.Combine(_folder, "staged");
        File.WriteAllText(staged, text);
        File.Move(staged, path, overwrite: true);
    }

    private static string Stamped(params string[] lines) =>
        string.Concat(lines.Select(l => "2026-01-01_00:00:00.00000 " + l + "\n"));

    /// <summary>
    /// Once "line 1" has arrived, plays svlogd rotating three times between two reads of the
    /// tail: the old current (with <paramref name="lastInOld"/> added) becomes @1, @2 cannot be
    /// read yet (a symbolic link to itself fails every open with ELOOP, for root too), @3
    /// holds "line 4" and the new current "line 5". Answers @2's path.
    /// </summary>
    private async Task<string> RotateThreeTimesMiddleBrokenAsync(string current, string? lastInOld)
    {
        await File.AppendAllTextAsync(current, Stamped("line 1"));
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _lines.Count >= 1, SupervisorHarness.Patience), "no \"line 1\"");

        var broken = Path.Combine(_folder, "@4000000000000002.s");
        File.CreateSymbolicLink(broken, broken);
        await File.WriteAllTextAsync(Path.Combine(_folder, "@4000000000000003.s"),
            Stamped("line 4"));
        if (lastInOld is not null)
        {
            await File.AppendAllTextAsync(current, Stamped(lastInOld));
        }

        File.Move(current, Path.Combine(_folder, "@4000000000000001.s"));
        MoveIn(Stamped("line 5"), current);
        return broken;
    }

    private RelayTail StartTail(string path, TimeProvider? time = null, ILogger? logger = null)
    {
        var tail = new RelayTail(path, lines =>
        {
            foreach (var (_, text) in lines)
            {
                _lines.Enqueue(text);
            }

            return ValueTask.CompletedTask;
        }, logger ?? NullLogger.Instance, time: time);
        tail.Begin();
        return tail;
    }
}
