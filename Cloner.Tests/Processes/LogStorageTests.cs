using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

public sealed class LogStorageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloner-log-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void LogRing_MoreLinesThanCapacity_KeepsNewestInOrder()
    {
        var ring = new LogRing(3);

        ring.Add(Lines(1, 5));

        Assert.Equal(3, ring.Count);
        Assert.Equal([3L, 4L, 5L], ring.Tail(10).Select(l => l.Number));
        Assert.Equal([5L], ring.Tail(1).Select(l => l.Number));
    }

    [Fact]
    public void LogRing_AddedInBatches_WrapsAround()
    {
        var ring = new LogRing(4);

        ring.Add(Lines(1, 3));
        ring.Add(Lines(4, 6));

        Assert.Equal([3L, 4L, 5L, 6L], ring.Tail(4).Select(l => l.Number));
    }

    [Fact]
    public void RotatingLogFile_PastThreshold_RotatesKeepsFiveBackupsAndHoldsNoDescriptor()
    {
        var path = Path.Combine(_folder, "bot.log");
        var file = new RotatingLogFile(path, maxBytes: 200, backups: 5);

        foreach (var line in Lines(1, 100))
        {
            file.Write([line]);
        }

        Assert.Empty(OpenFiles.TargetsUnder(_folder)!);
        var files = Directory.GetFiles(_folder).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(
            ["bot.log", "bot.log.1", "bot.log.2", "bot.log.3", "bot.log.4", "bot.log.5"],
            files);
        Assert.All(Directory.GetFiles(_folder),
            f => Assert.InRange(new FileInfo(f).Length, 1, 200));

        var newest = RotatingLogFile.ReadTail(path, 1000);
        Assert.Equal("line 100", newest[^1].Text);
        var backup = RotatingLogFile.ReadTail(path + ".1", 1000);
        Assert.Equal(
            int.Parse(newest[0].Text[5..], System.Globalization.CultureInfo.InvariantCulture) - 1,
            int.Parse(backup[^1].Text[5..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ReadTail_WrittenLines_ReadBackWithTimeAndStream()
    {
        var path = Path.Combine(_folder, "vk.log");
        var at = new DateTimeOffset(2025, 3, 1, 12, 30, 45, 123, TimeSpan.Zero);
        new RotatingLogFile(path).Write([
            new LogLine(1, at, false, "hello"),
            new LogLine(2, at, true, "oops  two spaces"),
        ]);

        var lines = RotatingLogFile.ReadTail(path, 1);

        var line = Assert.Single(lines);
        Assert.True(line.IsError);
        Assert.Equal("oops  two spaces", line.Text);
        Assert.Equal(at, line.At);
    }

    private static List<LogLine> Lines(int from, int to) =>
        Enumerable.Range(from, to - from + 1)
            .Select(n => new LogLine(n, DateTimeOffset.UtcNow, false, $"line {n}"))
            .ToList();
}
