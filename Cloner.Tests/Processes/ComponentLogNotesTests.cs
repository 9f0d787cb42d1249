using Cloner.Domain.Live;
using Cloner.Infrastructure.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Processes;

/// <summary>
/// Cloner's own notes about a component (started, exited, stopped) while the component floods
/// its log: the queue between the tails and the ring is full most of the time, and a note must
/// still reach <c>cloner.log</c> (the ring has moved on past most of them by then).
/// </summary>
public sealed class ComponentLogNotesTests : IDisposable
{
    private const int Notes = 2_000;

    private readonly string _folder = Directory.CreateTempSubdirectory("cloner-notes-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Note_QueueFullOfAFlood_EveryNoteInTheNotesFile()
    {
        var log = new ComponentLog("bot1", "flood", _folder, 1_000, new CloneFeed(),
            TimeProvider.System, NullLogger.Instance);
        var at = DateTimeOffset.UtcNow;
        var batch = Enumerable.Repeat((at, "flood line"), 20_000).ToArray();
        using var flooding = new CancellationTokenSource();
        var floods = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!flooding.IsCancellationRequested)
            {
                await log.AppendAsync(false, batch);
            }
        })).ToArray();

        var full = 0;
        for (var i = 0; i < Notes; i++)
        {
            full += log.QueueIsFull ? 1 : 0;
            log.Note($"note {i}");
            if (i % 20 == 0)
            {
                await Task.Delay(1);
            }
        }

        await flooding.CancelAsync();
        await Task.WhenAll(floods);
        await log.DisposeAsync();

        var written = File.ReadLines(Path.Combine(_folder, ComponentLog.NotesFile))
            .Count(l => l.Contains("[cloner] note ", StringComparison.Ordinal));
        Assert.True(full > 0, "the flood never filled the queue, so this test showed nothing");
        Assert.Equal(Notes, written);
    }
}
