using Cloner.Infrastructure;
using Cloner.Infrastructure.Provisioning;
using Cloner.Tests.Templates;

namespace Cloner.Tests.Sample;

/// <summary>
/// The sample blueprint copied into a clone folder by the real copy step holds the app and
/// nothing of Cloner's: no blueprint.yaml, schema or nginx template.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SampleFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cloner-sample-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task CopySample_IntoCloneFolder_HoldsTheAppFilesOnly()
    {
        var blueprint = FluidTemplateRendererTests.LoadEgo1();
        var folders = new CloneFolders(new ClonerOptions
        {
            DataDir = _root,
            ClonesRoot = Path.Combine(_root, "bots"),
            BlueprintsDir = Path.GetDirectoryName(blueprint.Folder)!,
        });

        await folders.CopyBlueprintAsync(blueprint, "bot7", CancellationToken.None);

        var clone = folders.PathOf("bot7");
        var copied = Directory.EnumerateFileSystemEntries(clone, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(clone, p))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(["billing.py", "bot.py", "botkit.py", "vk.py", "websocket.py"], copied);
    }
}
