using Cloner.Domain.Processes;
using Cloner.Web.Components.Logs;

namespace Cloner.Tests.Web.Components.Logs;

public sealed class CloneLogTests
{
    private static readonly DateTimeOffset s_start = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Load_TwoBacklogs_MergesThemByTime()
    {
        var log = new CloneLog();

        log.Load([("bot", [Line(1, 0), Line(2, 20)]), ("vk", [Line(1, 10)])]);

        Assert.Equal(["bot", "vk", "bot"], log.Lines(null).Select(l => l.Component));
        Assert.Equal(2, log.Lines("bot").Count);
    }

    [Fact]
    public void Append_LineAlreadyKept_IsNotKeptTwice()
    {
        var log = new CloneLog();
        log.Load([("bot", [Line(1, 0), Line(2, 1)])]);

        log.Append("bot", [Line(2, 1), Line(3, 2)]);

        Assert.Equal([1L, 2, 3], log.Lines("bot").Select(l => l.Line.Number));
        Assert.Equal(3, log.Lines(null).Count);
    }

    [Fact]
    public void Append_OverCapacity_DropsOldestLines()
    {
        var log = new CloneLog(capacity: 3);

        log.Append("bot", [Line(1, 0), Line(2, 1), Line(3, 2), Line(4, 3), Line(5, 4)]);

        Assert.Equal([3L, 4, 5], log.Lines("bot").Select(l => l.Line.Number));
        Assert.Equal(3, log.Lines(null).Count);
    }

    [Fact]
    public void Resume_AfterPause_ShowsWaitingLinesAndCountsThem()
    {
        var log = new CloneLog();
        log.Load([("bot", [Line(1, 0)])]);
        log.Pause();

        log.Append("bot", [Line(2, 1), Line(3, 2)]);
        log.Append("vk", [Line(1, 3)]);

        Assert.Single(log.Lines("bot"));
        Assert.Equal(3, log.PendingCount);
        Assert.Equal(3, log.Resume());
        Assert.False(log.Paused);
        Assert.Equal([1L, 2, 3], log.Lines("bot").Select(l => l.Line.Number));
        Assert.Equal(4, log.Lines(null).Count);
        Assert.Equal(0, log.PendingCount);
    }

    [Fact]
    public void Append_PauseLongerThanCapacity_CountsLostLinesToo()
    {
        var log = new CloneLog(capacity: 2);
        log.Pause();

        log.Append("bot", [Line(1, 0), Line(2, 1), Line(3, 2)]);

        Assert.Equal(1, log.PendingLost);
        Assert.Equal(3, log.Resume());
        Assert.Equal([2L, 3], log.Lines("bot").Select(l => l.Line.Number));
    }

    [Fact]
    public void ShownLine_EndsWithCutMarker_IsCutWithoutTheMarker()
    {
        var line = new ShownLine("bot",
            new LogLine(1, s_start, false, "xyz" + Cloner.Infrastructure.Processes.LineFramer.CutMarker));

        Assert.True(line.IsCut);
        Assert.Equal("xyz", line.Text);
    }

    private static LogLine Line(long number, int seconds) =>
        new(number, s_start.AddSeconds(seconds), false, $"line {number}");
}
