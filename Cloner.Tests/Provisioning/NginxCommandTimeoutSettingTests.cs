using Cloner.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Cloner.Tests.Provisioning;

/// <summary>
/// <c>Cloner:Nginx:CommandTimeoutSeconds</c>: whole seconds, 30 when unset, and a value that is
/// not a positive whole number stops the start naming the key and the value.
/// </summary>
public sealed class NginxCommandTimeoutSettingTests
{
    private const string Key = "Cloner:Nginx:CommandTimeoutSeconds";

    [Fact]
    public void Options_Unset_ThirtySeconds() =>
        Assert.Equal(TimeSpan.FromSeconds(30), Read(null).NginxCommandTimeout);

    [Theory]
    [InlineData("1", 1)]
    [InlineData("5", 5)]
    [InlineData("120", 120)]
    [InlineData("3600", 3600)]
    public void Options_WholeSeconds_AreTheTimeout(string value, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Read(value).NginxCommandTimeout);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1.5")]
    [InlineData("00:00:30")]
    [InlineData("30s")]
    [InlineData("3601")]
    [InlineData("99999999999")]
    public void Options_NotPositiveWholeSeconds_StopTheStartNamingKeyAndValue(string value)
    {
        var error = Assert.Throws<ClonerConfigurationException>(() => Read(value));

        Assert.Equal(Key, error.Key);
        Assert.Contains(Key, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("whole number of seconds from 1 to 3600", error.Message,
            StringComparison.Ordinal);
    }

    private static ClonerOptions Read(string? value) => ClonerOptions.FromConfiguration(
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [Key] = value })
            .Build(),
        "/tmp");
}
