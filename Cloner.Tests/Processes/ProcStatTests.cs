using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

public sealed class ProcStatTests
{
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    // utime stime cutime cstime priority nice threads itrealvalue starttime vsize rss ...
    private static string Line(int pid, string comm, long utime, long stime, long start = 5000) =>
        $"{pid} ({comm}) S 1 {pid} {pid} 0 -1 4194560 100 0 0 0 {utime} {stime} 0 0 20 0 3 0 "
        + $"{start} 12345678 250 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    [Fact]
    public void Parse_CommWithSpacesAndParentheses_ReadsFieldsAfterIt()
    {
        var stat = ProcStat.Parse(Line(4242, "my (odd) bot) x", 70, 30, start: 987654));

        Assert.NotNull(stat);
        Assert.Equal(4242, stat.Pid);
        Assert.Equal("my (odd) bot) x", stat.Comm);
        Assert.Equal('S', stat.State);
        Assert.Equal(4242, stat.ProcessGroup);
        Assert.Equal(4242, stat.Session);
        Assert.Equal(100, stat.CpuTicks);
        Assert.Equal(3, stat.Threads);
        Assert.Equal(987654, stat.StartTicks);
        Assert.Equal(250, stat.ResidentPages);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 (short) S 1 2")]
    [InlineData("x (comm) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22")]
    public void Parse_NotAStatLine_Null(string line) => Assert.Null(ProcStat.Parse(line));

    [Fact]
    public void Parse_OwnProcess_MatchesRuntime()
    {
        var stat = ProcFs.Stat(Environment.ProcessId);

        Assert.NotNull(stat);
        Assert.Equal(Environment.ProcessId, stat.Pid);
        Assert.True(stat.Threads > 1);
        Assert.True(stat.ResidentPages > 0);
    }

    [Fact]
    public void CpuPercent_TwoSamplesOneSecondApart_TicksOverElapsed()
    {
        var first = new[]
        {
            ProcStat.Parse(Line(10, "bot", 100, 50))!,
            ProcStat.Parse(Line(11, "w", 5, 5))!,
        };
        var before = first.ToDictionary(s => (s.Pid, s.StartTicks), s => s.CpuTicks);
        var second = new[]
        {
            ProcStat.Parse(Line(10, "bot", 130, 70))!, // 50 ticks more
            ProcStat.Parse(Line(12, "new child", 10, 0))!, // new: all of its 10 ticks
        };

        var percent = CpuUsage.Percent(
            before, second, TimeSpan.FromSeconds(2), clockTicksPerSecond: 100);

        Assert.Equal(30.0, percent, precision: 6);
    }

    [Fact]
    public void CpuPercent_PidReusedWithNewStartTicks_CountsNewProcessFromZero()
    {
        var before = new Dictionary<(int, long), long> { [(10, 5000)] = 900 };
        var reused = new[] { ProcStat.Parse(Line(10, "bot", 20, 0, start: 9000))! };

        var percent = CpuUsage.Percent(
            before, reused, TimeSpan.FromSeconds(1), clockTicksPerSecond: 100);

        Assert.Equal(20.0, percent, precision: 6);
    }
}
