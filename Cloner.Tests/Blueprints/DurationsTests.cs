using Cloner.Infrastructure.Blueprints;

namespace Cloner.Tests.Blueprints;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    public void WithUnit_TryParse_GivesDuration(string text, int milliseconds)
    {
        Assert.True(Durations.TryParse(text, bareNumberIsSeconds: false, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("10 minutes")]
    [InlineData("1e3ms")]
    public void Malformed_TryParse_Fails(string text)
    {
        Assert.False(Durations.TryParse(text, bareNumberIsSeconds: true, out _));
    }

    [Fact]
    public void BareNumber_TryParse_IsSecondsOnlyWhenAllowed()
    {
        Assert.True(Durations.TryParse("3", bareNumberIsSeconds: true, out var seconds));
        Assert.Equal(TimeSpan.FromSeconds(3), seconds);
        Assert.False(Durations.TryParse("3", bareNumberIsSeconds: false, out _));
    }
}
