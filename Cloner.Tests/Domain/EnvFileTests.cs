using Cloner.Domain.Clones;

namespace Cloner.Tests.Domain;

public sealed class EnvFileTests
{
    [Fact]
    public void Write_ThenParse_GivesValuesBackExactly()
    {
        var entries = new[]
        {
            new KeyValuePair<string, string>("BOT_TOKEN", "123:abc\"$x`y #z"),
            new KeyValuePair<string, string>("EMPTY", ""),
            new KeyValuePair<string, string>("SPACES", "  a b  "),
        };

        var text = EnvFile.Write(entries);

        Assert.Equal("BOT_TOKEN='123:abc\"$x`y #z'\nEMPTY=''\nSPACES='  a b  '\n", text);
        Assert.Equal(entries, EnvFile.Parse(text));
    }

    [Theory]
    [InlineData("it's")]
    [InlineData("back\\slash")]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("nul\0char")]
    public void Write_ValueThatCannotBeQuoted_IsRefusedNamingTheKey(string value)
    {
        var error = Assert.Throws<EnvFileException>(() =>
            EnvFile.Write([new KeyValuePair<string, string>("BOT_TOKEN", value)]));

        Assert.Contains("BOT_TOKEN", error.Message);
    }

    [Theory]
    [InlineData("lower")]
    [InlineData("1ABC")]
    [InlineData("A-B")]
    public void Write_BadKey_IsRefused(string key) =>
        Assert.Throws<EnvFileException>(() => EnvFile.Write([new KeyValuePair<string, string>(key, "v")]));
}
