using Cloner.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Cloner.Tests.Recovery;

public sealed class FaultInjectionSettingTests
{
    [Theory]
    [InlineData("create:files")]
    [InlineData("create:validate")]
    [InlineData("delete:database")]
    [InlineData("delete:forget")]
    public void Options_KnownOperationAndStep_AreKept(string value) =>
        Assert.Equal(value, Read(value).FaultInjectionKillAfterStep);

    [Fact]
    public void Options_Unset_NoFaultInjection() =>
        Assert.Null(Read(null).FaultInjectionKillAfterStep);

    [Theory]
    [InlineData("update:files", "create:STEP or delete:STEP")]
    [InlineData("files", "create:STEP or delete:STEP")]
    [InlineData("create:files:now", "create:STEP or delete:STEP")]
    [InlineData("create:forget", "the create steps are validate, reserve")]
    [InlineData("delete:schema", "the delete steps are stop, route")]
    public void Options_UnknownOperationOrStep_StopTheStartNamingTheKey(string value, string said)
    {
        var error = Assert.Throws<ClonerConfigurationException>(() => Read(value));

        Assert.Equal("Cloner:FaultInjection:KillAfterStep", error.Key);
        Assert.Contains("Cloner:FaultInjection:KillAfterStep", error.Message);
        Assert.Contains(said, error.Message);
    }

    private static ClonerOptions Read(string? value) => ClonerOptions.FromConfiguration(
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cloner:FaultInjection:KillAfterStep"] = value,
            })
            .Build(),
        "/tmp");
}
