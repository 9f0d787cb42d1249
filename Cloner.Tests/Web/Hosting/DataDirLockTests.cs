using Cloner.Infrastructure;
using Cloner.Web.Hosting;

namespace Cloner.Tests.Web.Hosting;

public sealed class DataDirLockTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cloner-lock-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void LockDataDir_SecondClonerOnTheSameDataDir_RefusedNamingTheSetting()
    {
        // Seen on a real server: a second Cloner on the same DataDir ran start-up recovery,
        // killed the first one's components as strays and started its own, and only then
        // failed to bind its port, leaving two supervisors fighting over the same bots.
        var options = Options();
        using var first = StartupFolders.LockDataDir(options);

        var second = Assert.Throws<ClonerConfigurationException>(
            () => StartupFolders.LockDataDir(options));

        Assert.Equal("Cloner:DataDir", second.Key);
        Assert.Contains(options.DataDir, second.Message);
    }

    [Fact]
    public void LockDataDir_FirstClonerStopped_NextOneStarts()
    {
        var options = Options();
        StartupFolders.LockDataDir(options).Dispose();

        using var next = StartupFolders.LockDataDir(options);

        Assert.True(File.Exists(Path.Combine(options.DataDir, StartupFolders.LockFileName)));
    }

    private ClonerOptions Options()
    {
        var options = new ClonerOptions
        {
            DataDir = Path.Combine(_root, "data"),
            ClonesRoot = Path.Combine(_root, "bots"),
            BlueprintsDir = _root,
        };
        StartupFolders.EnsureWritable(options);
        return options;
    }
}
