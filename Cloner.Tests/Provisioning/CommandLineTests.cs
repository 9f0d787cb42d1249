using Cloner.Infrastructure.Provisioning;

namespace Cloner.Tests.Provisioning;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("nginx -t", new[] { "nginx", "-t" })]
    [InlineData("  nginx   -s\treload  ", new[] { "nginx", "-s", "reload" })]
    [InlineData("nginx -c '/my nginx/n.conf' -t",
        new[] { "nginx", "-c", "/my nginx/n.conf", "-t" })]
    [InlineData("echo \"a \\\"b\\\" \\$HOME\"", new[] { "echo", "a \"b\" $HOME" })]
    [InlineData("echo a\\ b", new[] { "echo", "a b" })]
    [InlineData("echo 'it'\"'\"'s'", new[] { "echo", "it's" })]
    [InlineData("echo '' x", new[] { "echo", "", "x" })]
    [InlineData("echo $HOME *.conf; rm", new[] { "echo", "$HOME", "*.conf;", "rm" })]
    [InlineData("echo 'a\\b'", new[] { "echo", "a\\b" })]
    public void Split_ShellLikeLine_GivesTheWordsAShellWould(string line, string[] expected)
    {
        Assert.Equal(expected, CommandLine.Split(line));
    }

    [Fact]
    public void Split_BlankLine_GivesNoWords()
    {
        Assert.Empty(CommandLine.Split("   \t "));
    }

    [Theory]
    [InlineData("nginx -c '/etc/nginx.conf")]
    [InlineData("nginx -c \"/etc/nginx.conf")]
    [InlineData("nginx -t \\")]
    public void Split_UnclosedQuoteOrTrailingBackslash_Throws(string line)
    {
        Assert.Throws<FormatException>(() => CommandLine.Split(line));
    }
}
