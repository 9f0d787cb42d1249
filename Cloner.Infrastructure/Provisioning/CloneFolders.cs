using System.Text;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Provisioning;

namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// The clones' folders, one per clone directly under <c>Cloner:ClonesRoot</c>. Every path is
/// built from a checked clone name and checked again to lie under the root before it is used.
/// </summary>
public sealed class CloneFolders(ClonerOptions options) : ICloneFolders
{
    private const string EnvFileName = ".env";

    private static readonly UnixFileMode _ownerReadWrite =
        UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string PathOf(string clone)
    {
        if (CloneName.Problem(clone) is { } problem)
        {
            throw new ProvisioningException($"'{clone}' is not a clone name: {problem}");
        }

        return UnderRoot(Path.Combine(options.ClonesRoot, clone));
    }

    public bool Exists(string clone) => EntryExists(PathOf(clone));

    public Task CopyBlueprintAsync(Blueprint blueprint, string clone,
        CancellationToken cancellationToken)
    {
        var target = PathOf(clone);
        if (EntryExists(target))
        {
            throw new ProvisioningException(
                $"the folder {target} exists already; move it away or pick another clone name");
        }

        var source = Path.GetFullPath(blueprint.Folder);
        if (!Directory.Exists(source))
        {
            throw new ProvisioningException(
                $"the folder of blueprint '{blueprint.Name}' ({source}) does not exist");
        }

        var copy = new BlueprintCopy(source, new FileExcludes(blueprint.FileExcludes));
        return Task.Run(() => copy.Into(target, cancellationToken), cancellationToken);
    }

    public async Task WriteEnvAsync(string clone, string content,
        CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("clone folders need Unix file modes");
        }

        var folder = PathOf(clone);
        if (!Directory.Exists(folder))
        {
            throw new ProvisioningException(
                $"cannot write the .env of {clone}: its folder {folder} does not exist");
        }

        var temporary = Path.Combine(folder, $".env.{Guid.NewGuid():N}.tmp");
        var create = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            UnixCreateMode = _ownerReadWrite,
        };

        try
        {
            await using (var stream = new FileStream(temporary, create))
            {
                var bytes = new UTF8Encoding(false).GetBytes(content);
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path.Combine(folder, EnvFileName), overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ReadEnvAsync(string clone,
        CancellationToken cancellationToken)
    {
        var path = Path.Combine(PathOf(clone), EnvFileName);
        if (!File.Exists(path))
        {
            return [];
        }

        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return EnvFile.Parse(text);
    }

    public Task RemoveAsync(string clone, CancellationToken cancellationToken)
    {
        var folder = PathOf(clone);
        var entry = new DirectoryInfo(folder);
        if (entry.LinkTarget is not null)
        {
            // A link in place of the folder: remove the link, never what it points at.
            File.Delete(folder);
            return Task.CompletedTask;
        }

        if (!entry.Exists)
        {
            return Task.CompletedTask;
        }

        // Directory.Delete removes symbolic links inside the folder without following them.
        return Task.Run(() => Directory.Delete(folder, recursive: true), cancellationToken);
    }

    private string UnderRoot(string path)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.ClonesRoot));
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ProvisioningException(
                $"the path {full} does not lie under Cloner:ClonesRoot ({root})");
        }

        return full;
    }

    private static bool EntryExists(string path) =>
        Directory.Exists(path) || File.Exists(path) || new FileInfo(path).LinkTarget is not null;
}
