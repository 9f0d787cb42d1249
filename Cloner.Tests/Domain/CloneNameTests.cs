using Cloner.Domain.Clones;

namespace Cloner.Tests.Domain;

public sealed class CloneNameTests
{
    [Theory]
    [InlineData("bot1")]
    [InlineData("ab")]
    [InlineData("acme-bot-7")]
    [InlineData("a2345678901234567890123456789012")]
    public void Problem_ValidName_IsNull(string name) => Assert.Null(CloneName.Problem(name));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("Bot1")]
    [InlineData("bot/1")]
    [InlineData("..")]
    [InlineData("bot 1")]
    [InlineData("bot'1")]
    [InlineData("bot`1")]
    [InlineData("bot--1")]
    [InlineData("bot1-")]
    [InlineData("1bot")]
    [InlineData("bot_1")]
    [InlineData("a234567890123456789012345678901234567890")]
    public void Problem_InvalidName_SaysWhy(string name) => Assert.NotNull(CloneName.Problem(name));

    [Fact]
    public void DatabaseName_NameWithDash_UsesUnderscore()
    {
        Assert.Equal("acme_bot_7", CloneName.DatabaseName("acme-bot-7"));
        Assert.Equal("acme_bot_7", CloneName.UserName("acme-bot-7"));
    }

    [Fact]
    public void DatabaseName_InvalidName_Throws() =>
        Assert.Throws<ArgumentException>(() => CloneName.DatabaseName("x`; DROP DATABASE mysql"));
}
