using Cloner.Domain.Blueprints;
using Cloner.Domain.Provisioning;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Provisioning;

namespace Cloner.Tests.Provisioning;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CloneFoldersTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _blueprintDir;
    private readonly CloneFolders _folders;

    public CloneFoldersTests()
    {
        _blueprintDir = _temp.Combine("blueprints", "ego1");
        Directory.CreateDirectory(_blueprintDir);
        _folders = new CloneFolders(new ClonerOptions
        {
            DataDir = _temp.Path,
            ClonesRoot = _temp.Combine("bots"),
            BlueprintsDir = _temp.Combine("blueprints"),
        });
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void PathOf_ValidName_IsDirectlyUnderTheRoot()
    {
        Assert.Equal(_temp.Combine("bots", "bot7"), _folders.PathOf("bot7"));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("..")]
    [InlineData("bot7/../../x")]
    [InlineData("/etc")]
    [InlineData("Bot7")]
    [InlineData("")]
    public void PathOf_NameThatCouldEscapeTheRoot_IsRefused(string name)
    {
        var ex = Assert.Throws<ProvisioningException>(() => _folders.PathOf(name));

        Assert.Contains("is not a clone name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyBlueprint_WithExcludes_LeavesOutExcludedFilesAndFolders()
    {
        Write("bot.py", "print('hi')");
        Write("bot.pyc", "x");
        Write("lib/util.py", "x");
        Write("lib/__pycache__/util.cpython-311.pyc", "x");
        Write(".env", "SECRET='x'");
        Write("logs/old.log", "x");
        Write("logs.txt", "kept");

        await _folders.CopyBlueprintAsync(Blueprint(), "bot7", CancellationToken.None);

        var copied = Directory.EnumerateFileSystemEntries(_folders.PathOf("bot7"), "*",
                SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(_folders.PathOf("bot7"), p))
            .Order(StringComparer.Ordinal);
        Assert.Equal(["bot.py", "lib", "lib/util.py", "logs.txt"], copied);
    }

    [Fact]
    public async Task CopyBlueprint_BlueprintYamlNotExcluded_LeftOutAnywayOnlyAtTheTop()
    {
        Write("blueprint.yaml", "name: ego1");
        Write("bot.py", "x");
        Write("config/blueprint.yaml", "kept: the app's own file of that name");

        await _folders.CopyBlueprintAsync(Blueprint(), "bot7", CancellationToken.None);

        var clone = _folders.PathOf("bot7");
        Assert.False(File.Exists(Path.Combine(clone, "blueprint.yaml")),
            "the blueprint's own blueprint.yaml was copied into the clone");
        Assert.True(File.Exists(Path.Combine(clone, "bot.py")));
        Assert.True(File.Exists(Path.Combine(clone, "config", "blueprint.yaml")));
    }

    [Fact]
    public async Task CopyBlueprint_ExecutableScript_StaysExecutable()
    {
        Write("run.sh", "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(Path.Combine(_blueprintDir, "run.sh"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        Write("bot.py", "x");

        await _folders.CopyBlueprintAsync(Blueprint(), "bot7", CancellationToken.None);

        var clone = _folders.PathOf("bot7");
        Assert.True(File.GetUnixFileMode(Path.Combine(clone, "run.sh"))
            .HasFlag(UnixFileMode.UserExecute));
        Assert.False(File.GetUnixFileMode(Path.Combine(clone, "bot.py"))
            .HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public async Task CopyBlueprint_LinkInsideTheBlueprint_IsCopiedAsALinkInsideTheClone()
    {
        Write("config/settings.ini", "a=1");
        File.CreateSymbolicLink(Path.Combine(_blueprintDir, "settings.ini"),
            Path.Combine(_blueprintDir, "config", "settings.ini"));

        await _folders.CopyBlueprintAsync(Blueprint(), "bot7", CancellationToken.None);

        var link = new FileInfo(Path.Combine(_folders.PathOf("bot7"), "settings.ini"));
        Assert.Equal("config/settings.ini", link.LinkTarget);
        Assert.Equal(Path.Combine(_folders.PathOf("bot7"), "config", "settings.ini"),
            link.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
    }

    [Fact]
    public async Task CopyBlueprint_LinkOutOfTheBlueprint_IsRefused()
    {
        var outside = _temp.Combine("secret.txt");
        File.WriteAllText(outside, "not for clones");
        File.CreateSymbolicLink(Path.Combine(_blueprintDir, "secret.txt"), outside);

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() =>
            _folders.CopyBlueprintAsync(Blueprint(), "bot7", CancellationToken.None));

        Assert.Contains("outside the blueprint folder", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folders.PathOf("bot7"), "secret.txt")));
    }

    [Fact]
    public async Task CopyBlueprint_FolderExists_IsRefusedAndLeftAlone()
    {
        Write("bot.py", "x");
        Directory.CreateDirectory(_folders.PathOf("bot7"));
        File.WriteAllText(Path.Combine(_folders.PathOf("bot7"), "mine.txt"), "keep");

        await Assert.ThrowsAsync<ProvisioningException>(() =>
            _folders.CopyBlueprintAsync(Blueprint(), "bot7", CancellationToken.None));

        Assert.Equal(["mine.txt"],
            Directory.GetFiles(_folders.PathOf("bot7")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteEnv_NewFile_HasMode0600AndTheContent()
    {
        Directory.CreateDirectory(_folders.PathOf("bot7"));

        await _folders.WriteEnvAsync("bot7", "BOT_TOKEN='abc'\nPORT='8100'\n",
            CancellationToken.None);

        var path = Path.Combine(_folders.PathOf("bot7"), ".env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal([".env"],
            Directory.GetFiles(_folders.PathOf("bot7")).Select(Path.GetFileName));
        var entries = await _folders.ReadEnvAsync("bot7", CancellationToken.None);
        Assert.Equal([new("BOT_TOKEN", "abc"), new("PORT", "8100")], entries);
    }

    [Fact]
    public async Task WriteEnv_ExistingWorldReadableFile_IsReplacedBy0600()
    {
        Directory.CreateDirectory(_folders.PathOf("bot7"));
        var path = Path.Combine(_folders.PathOf("bot7"), ".env");
        File.WriteAllText(path, "OLD='1'\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);

        await _folders.WriteEnvAsync("bot7", "NEW='2'\n", CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("NEW='2'\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task ReadEnv_NoFile_IsEmpty()
    {
        Directory.CreateDirectory(_folders.PathOf("bot7"));

        Assert.Empty(await _folders.ReadEnvAsync("bot7", CancellationToken.None));
    }

    [Fact]
    public async Task Remove_FolderWithLinkToOutside_RemovesTheFolderButNotTheLinkTarget()
    {
        var outside = _temp.Combine("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "keep.txt"), "keep");
        var clone = _folders.PathOf("bot7");
        Directory.CreateDirectory(Path.Combine(clone, "sub"));
        Directory.CreateSymbolicLink(Path.Combine(clone, "sub", "out"), outside);

        await _folders.RemoveAsync("bot7", CancellationToken.None);

        Assert.False(_folders.Exists("bot7"));
        Assert.True(File.Exists(Path.Combine(outside, "keep.txt")));
    }

    private Blueprint Blueprint() => new()
    {
        Name = "ego1",
        Title = "Ego1",
        ClonePrefix = "bot",
        Folder = _blueprintDir,
        FileExcludes = ["*.pyc", "__pycache__/", ".env", "logs/"],
    };

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_blueprintDir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
