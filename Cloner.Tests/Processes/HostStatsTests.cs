using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

public sealed class HostStatsTests
{
    [Fact]
    public void CpuTicks_ProcStatLine_CountsIdleAndIowaitAsNotBusy()
    {
        var ticks = HostStats.CpuTicks(
            "cpu  100 10 50 800 40 0 0 0 5 0\ncpu0 50 5 25 400 20 0 0 0 0 0\n");

        // total = 100+10+50+800+40 = 1000 (guest is inside user); busy = 1000 - 800 - 40.
        Assert.Equal((160L, 1000L), ticks);
    }

    [Fact]
    public void CpuPercent_TwoReadings_IsBusyShareOfTheDelta() =>
        Assert.Equal(25, HostStats.CpuPercent((160, 1000), (410, 2000)));

    [Theory]
    [InlineData("")]
    [InlineData("intr 1 2 3")]
    [InlineData("cpu  a b c d")]
    public void CpuTicks_NotACpuLine_IsNull(string text) => Assert.Null(HostStats.CpuTicks(text));

    [Fact]
    public void Memory_Meminfo_ReadsTotalAndAvailableInBytes()
    {
        var (total, available) = HostStats.Memory(
            "MemTotal:       24000000 kB\nMemFree:  1000 kB\nMemAvailable:   12000000 kB\n");

        Assert.Equal(24000000L * 1024, total);
        Assert.Equal(12000000L * 1024, available);
    }

    [Fact]
    public void Read_ThisMachineTwice_GivesSaneTotals()
    {
        var (_, ticks) = HostStats.Read(null, Path.GetTempPath(), DateTimeOffset.UtcNow);
        Thread.Sleep(50);
        var (sample, _) = HostStats.Read(ticks, Path.GetTempPath(), DateTimeOffset.UtcNow);

        Assert.InRange(sample.CpuPercent, 0, 100);
        Assert.True(sample.MemoryTotalBytes > sample.MemoryAvailableBytes);
        Assert.True(sample.DiskTotalBytes >= sample.DiskFreeBytes && sample.DiskFreeBytes > 0);
    }
}
