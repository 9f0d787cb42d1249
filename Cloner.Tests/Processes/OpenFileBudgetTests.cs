using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// The arithmetic of Cloner's open-file budget, and the two readings it rests on
/// (RLIMIT_NOFILE and /proc/self/fd) against what /proc says of this test process.
/// </summary>
public sealed class OpenFileBudgetTests
{
    [Fact]
    public void Refusal_PlentyOfRoom_Null()
    {
        Assert.Null(OpenFiles.Refusal(new OpenFileCount(200, 1024), "bot"));
    }

    [Fact]
    public void Refusal_LaunchWouldEatIntoReserve_NamesNumbersComponentAndRemedy()
    {
        var refusal = OpenFiles.Refusal(new OpenFileCount(1010, 1024), "bot");

        Assert.NotNull(refusal);
        Assert.Contains("Cloner has 1,010 of its 1,024 open files in use (RLIMIT_NOFILE)",
            refusal, StringComparison.Ordinal);
        Assert.Contains($"starting bot needs about {OpenFiles.LaunchCost} more", refusal,
            StringComparison.Ordinal);
        Assert.Contains("64 stay free", refusal, StringComparison.Ordinal);
        Assert.Contains("Raise LimitNOFILE=", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, 64)]
    [InlineData(100, 64)]
    [InlineData(4096, 256)]
    [InlineData(65536, 4096)]
    public void ReserveFor_Limit_FloorOrSixteenth(long limit, int reserve)
    {
        Assert.Equal(reserve, OpenFiles.ReserveFor(limit));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(300)]
    [InlineData(65536)]
    public void Refusal_AtTheEdge_LastFittingLaunchAllowedNextRefused(long limit)
    {
        var fits = limit - OpenFiles.ReserveFor(limit) - OpenFiles.LaunchCost;

        Assert.Null(OpenFiles.Refusal(new OpenFileCount(fits, limit), "vk"));
        Assert.NotNull(OpenFiles.Refusal(new OpenFileCount(fits + 1, limit), "vk"));
    }

    [Fact]
    public void Refusal_LimitBelowReserve_RefusedEvenWhenNothingIsOpen()
    {
        var refusal = OpenFiles.Refusal(new OpenFileCount(0, 50), "websocket");

        Assert.NotNull(refusal);
        Assert.Contains("0 of its 50 open files", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(24, true)]
    [InlineData(23, true)]
    [InlineData(2, false)]
    [InlineData(28, false)]
    public void IsExhausted_IOExceptionWithErrno_TrueForEmfileAndEnfileOnly(
        int errno, bool exhausted)
    {
        Assert.Equal(exhausted, OpenFiles.IsExhausted(new IOException("failed", errno)));
    }

    [Fact]
    public void Exhausted_Enfile_NamesTheSystemTableAndFileMax()
    {
        var sentence = OpenFiles.Exhausted(
            new IOException("Too many open files in system"), "billing");

        Assert.Contains("ENFILE", sentence, StringComparison.Ordinal);
        Assert.Contains("fs.file-max", sentence, StringComparison.Ordinal);
        Assert.Contains("billing", sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void Exhausted_Emfile_NamesCountLimitAndRemedy()
    {
        var sentence = OpenFiles.Exhausted(new IOException("pipe2 failed", 24), "bot");

        Assert.Contains("open files in use (RLIMIT_NOFILE, EMFILE)", sentence,
            StringComparison.Ordinal);
        Assert.Contains("starting bot failed", sentence, StringComparison.Ordinal);
        Assert.Contains("LimitNOFILE=", sentence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_ThisProcess_MatchesProcLimitsAndFdFolder()
    {
        var count = OpenFiles.Count();
        Assert.NotNull(count);
        var limits = File.ReadAllLines("/proc/self/limits")
            .Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = limits.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        Assert.Equal(soft, count.Value.Limit.ToString(
            System.Globalization.CultureInfo.InvariantCulture));

        // Other tests run at the same time and open and close files between any two readings,
        // so the count is compared with the folder read just before and after it until one
        // comparison is not disturbed; a count that is wrong never falls in that range.
        var last = "";
        Assert.True(await SupervisorHarness.EventuallyAsync(() =>
        {
            var before = Directory.GetFileSystemEntries("/proc/self/fd").Length - 1;
            var inUse = OpenFiles.Count()?.InUse;
            var after = Directory.GetFileSystemEntries("/proc/self/fd").Length - 1;
            last = $"{inUse} in use, the folder read {before} before and {after} after";
            return inUse >= Math.Min(before, after) - 2 && inUse <= Math.Max(before, after) + 2;
        }, SupervisorHarness.Patience), last);
    }
}
