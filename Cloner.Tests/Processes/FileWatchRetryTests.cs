using System.Collections.Concurrent;
using Cloner.Infrastructure.Processes;
using Cloner.Tests.Blueprints;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Cloner.Tests.Processes;

/// <summary>
/// inotify that fails to start (real EMFILE: the soft RLIMIT_NOFILE lowered for a moment) is
/// tried again after its back-off, on a watch of the test's own with fake time, and a tail
/// that began meanwhile polls and then is watched. Runs alone, since every open of every
/// thread fails while the limit is low.
/// </summary>
[Collection(OpenFilesAtLimitCollection.Name)]
public sealed class FileWatchRetryTests : IDisposable
{
    private readonly string _folder =
        Directory.CreateTempSubdirectory("cloner-watch-").FullName;

    private readonly ConcurrentQueue<string> _lines = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ListLogger<FileWatch> _logger = new();
    private readonly FileWatch _watch;

    public FileWatchRetryTests()
    {
        _watch = new FileWatch(_time);
    }

    public void Dispose()
    {
        _watch.Close();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Watch_InotifyFailedToStartThenWorks_PollingTailWatchedOneLineEach()
    {
        // What the failure runs is loaded before: at the limit .NET cannot map an assembly.
        _logger.LogDebug("warm-up {Errno}", 0);

        Assert.False(DescriptorLimit.At(3, () => _watch.Start(_logger)), "inotify started");
        _time.Advance(FileWatch.FirstRetry);
        Assert.False(DescriptorLimit.At(3, () => _watch.Start(_logger)), "inotify started");

        var current = Path.Combine(_folder, LogRelay.CurrentFile);
        await File.WriteAllTextAsync(current, "");
        await using var tail = new RelayTail(current, Take, _logger, _watch);
        tail.Begin();
        Assert.True(await tail.CatchUpAsync(SupervisorHarness.Patience), "no read round ended");
        Assert.False(tail.IsWatched, "watched while inotify was not to be tried yet");

        // Two failures in a row: the next try waits twice the first back-off.
        _time.Advance(FileWatch.FirstRetry);
        Assert.True(await tail.CatchUpAsync(SupervisorHarness.Patience), "no read round ended");
        Assert.False(tail.IsWatched, "the back-off did not grow after a second failure");

        _time.Advance(FileWatch.FirstRetry);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => tail.IsWatched, SupervisorHarness.Patience), "still polling");
        await File.AppendAllTextAsync(current, "2026-01-01_00:00:00.00000 watched\n");
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _lines.Contains("watched"), SupervisorHarness.Patience), "no line arrived");

        var said = _logger.Entries.Where(e => e.Level > LogLevel.Debug).ToList();
        Assert.Collection(said,
            e =>
            {
                Assert.Equal(LogLevel.Warning, e.Level);
                Assert.StartsWith("inotify could not be started (errno 24)", e.Message,
                    StringComparison.Ordinal);
            },
            e =>
            {
                Assert.Equal(LogLevel.Information, e.Level);
                Assert.Equal("inotify works again; log files are watched again", e.Message);
            });

        // A watch of its own must not outlive the test: Close ends its thread and instance.
        var open = InotifyInstances();
        _watch.Close();
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => InotifyInstances() == open - 1, SupervisorHarness.Patience),
            "the closed watch left its inotify instance open");
        Assert.False(tail.IsWatched, "a closed watch still watches");
    }

    private static int InotifyInstances() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Count(fd => fd.LinkTarget == "anon_inode:inotify");

    private ValueTask Take(IReadOnlyList<(DateTimeOffset At, string Text)> lines)
    {
        foreach (var (_, text) in lines)
        {
            _lines.Enqueue(text);
        }

        return ValueTask.CompletedTask;
    }
}
