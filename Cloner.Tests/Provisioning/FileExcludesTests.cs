using Cloner.Infrastructure.Provisioning;

namespace Cloner.Tests.Provisioning;

public sealed class FileExcludesTests
{
    private readonly FileExcludes _excludes =
        new(["*.pyc", "__pycache__/", ".env", "logs/", "data/cache", "docs/**/*.tmp"]);

    [Theory]
    [InlineData("bot.pyc", false)]
    [InlineData("lib/deep/mod.pyc", false)]
    [InlineData("__pycache__", true)]
    [InlineData("lib/__pycache__", true)]
    [InlineData(".env", false)]
    [InlineData("sub/.env", false)]
    [InlineData("logs", true)]
    [InlineData("data/cache", true)]
    [InlineData("docs/a.tmp", false)]
    [InlineData("docs/x/y/a.tmp", false)]
    public void IsExcluded_EntryMatchingAGlob_IsLeftOut(string path, bool isFolder)
    {
        Assert.True(_excludes.IsExcluded(path, isFolder));
    }

    [Theory]
    [InlineData("bot.py", false)]
    [InlineData("bot.pyc.txt", false)]
    [InlineData("logs", false)]
    [InlineData("__pycache__", false)]
    [InlineData(".env.example", false)]
    [InlineData("other/data/cache", true)]
    [InlineData("catalogs", true)]
    [InlineData("a.tmp", false)]
    public void IsExcluded_EntryMatchingNoGlob_IsKept(string path, bool isFolder)
    {
        Assert.False(_excludes.IsExcluded(path, isFolder));
    }
}
