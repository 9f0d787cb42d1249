using Cloner.Domain.Blueprints;
using Cloner.Domain.Processes;

namespace Cloner.Tests.Domain;

public sealed class RestartBackoffTests
{
    [Fact]
    public void DelayBefore_GrowsByHalfAndStopsAtFifteenSeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), RestartBackoff.DelayBefore(1));
        Assert.Equal(TimeSpan.FromSeconds(1.5), RestartBackoff.DelayBefore(2));
        Assert.Equal(TimeSpan.FromSeconds(2.25), RestartBackoff.DelayBefore(3));
        Assert.Equal(TimeSpan.FromSeconds(15), RestartBackoff.DelayBefore(20));
    }

    [Fact]
    public void FailuresAfter_LongRun_ResetsTheCount()
    {
        Assert.Equal(4, RestartBackoff.FailuresAfter(3, TimeSpan.FromSeconds(2)));
        Assert.Equal(1, RestartBackoff.FailuresAfter(3, TimeSpan.FromSeconds(31)));
        Assert.False(RestartBackoff.IsFatal(4));
        Assert.True(RestartBackoff.IsFatal(5));
    }

    [Theory]
    [InlineData(RestartPolicy.OnFailure, 0, false)]
    [InlineData(RestartPolicy.OnFailure, 1, true)]
    [InlineData(RestartPolicy.Always, 0, true)]
    [InlineData(RestartPolicy.Never, 1, false)]
    public void ShouldRestart_FollowsPolicy(RestartPolicy policy, int exitCode, bool expected) =>
        Assert.Equal(expected, RestartBackoff.ShouldRestart(policy, exitCode));
}
