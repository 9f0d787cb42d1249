using Cloner.Domain.Provisioning;

namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// Copies a blueprint folder into a new clone folder, leaving out the excluded entries and
/// keeping each file's mode (so scripts stay executable). A symbolic link is copied as a link
/// only when it points inside the blueprint, rewritten relative so it points inside the clone;
/// a link that leads out of the blueprint, or nowhere, stops the copy.
/// </summary>
/// <remarks>
/// The blueprint's own <c>blueprint.yaml</c> is always left out, whatever the excludes say: it
/// describes the blueprint, not the app. The schema and nginx template files are left out only
/// when <c>files.exclude</c> lists them, because the domain's blueprint carries their texts and
/// not their file names; a blueprint that forgets to list them gets them in every clone folder.
/// </remarks>
internal sealed class BlueprintCopy(string source, FileExcludes excludes)
{
    public const string BlueprintFileName = "blueprint.yaml";

    public void Into(string target, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("clone folders need Unix file modes");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, File.GetUnixFileMode(source));
        CopyFolder(new DirectoryInfo(source), target, "", cancellationToken);
    }

    private void CopyFolder(DirectoryInfo from, string to, string relative,
        CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("clone folders need Unix file modes");
        }

        foreach (var entry in from.EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entryRelative = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
            var isFolder = entry is DirectoryInfo;
            if (IsBlueprintFile(entryRelative, isFolder)
                || excludes.IsExcluded(entryRelative, isFolder))
            {
                continue;
            }

            var destination = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is not null)
            {
                CopyLink(entry, destination, entryRelative);
            }
            else if (entry is DirectoryInfo folder)
            {
                Directory.CreateDirectory(destination);
                File.SetUnixFileMode(destination, folder.UnixFileMode);
                CopyFolder(folder, destination, entryRelative, cancellationToken);
            }
            else if (entry is FileInfo file)
            {
                file.CopyTo(destination, overwrite: false);
                File.SetUnixFileMode(destination, file.UnixFileMode);
            }
        }
    }

    private static bool IsBlueprintFile(string relative, bool isFolder) =>
        !isFolder && relative == BlueprintFileName;

    private void CopyLink(FileSystemInfo link, string destination, string relative)
    {
        var final = link.ResolveLinkTarget(returnFinalTarget: true);
        if (final is null || !final.Exists || !Inside(final.FullName))
        {
            throw new ProvisioningException(
                $"the blueprint file {relative} is a symbolic link to {link.LinkTarget}, which " +
                $"is {(final is { Exists: true } ? "outside the blueprint folder" : "missing")}" +
                "; " +
                "Cloner does not follow links out of a blueprint: replace it with a copy");
        }

        var linkFolder = Path.GetDirectoryName(link.FullName)!;
        var targetInClone = Path.GetRelativePath(linkFolder, final.FullName);
        if (link is DirectoryInfo)
        {
            Directory.CreateSymbolicLink(destination, targetInClone);
        }
        else
        {
            File.CreateSymbolicLink(destination, targetInClone);
        }
    }

    private bool Inside(string path)
    {
        var root = Path.TrimEndingDirectorySeparator(source);
        var full = Path.GetFullPath(path);
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
