using Cloner.Domain.Blueprints;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Blueprints;

/// <summary>
/// The blueprints in <see cref="ClonerOptions.BlueprintsDir"/>: every sub-folder holding a
/// <c>blueprint.yaml</c>. A folder is parsed again only when one of the files it was read from
/// changed (mtime or size), so calling <see cref="Read"/> on every request stays cheap.
/// </summary>
public sealed class YamlBlueprintCatalog(
    ClonerOptions options,
    ILogger<YamlBlueprintCatalog> logger)
    : IBlueprintCatalog
{
    public const string FileName = "blueprint.yaml";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, BlueprintFolder> _folders = new(StringComparer.Ordinal);
    private BlueprintCatalogSnapshot? _snapshot;
    private bool _folderProblemLogged;

    public BlueprintCatalogSnapshot Read()
    {
        lock (_lock)
        {
            var root = options.BlueprintsDir;
            if (!Directory.Exists(root))
            {
                return MissingFolder(root);
            }

            bool changed;
            try
            {
                changed = Refresh(root);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (!_folderProblemLogged)
                {
                    logger.LogWarning(e, "The blueprints folder {BlueprintsDir} cannot be read",
                        root);
                    _folderProblemLogged = true;
                }

                return new BlueprintCatalogSnapshot([],
                [
                    new BlueprintProblem(root, "Cloner:BlueprintsDir",
                        $"the blueprints folder cannot be read ({e.Message}); give Cloner's " +
                        "user read access to it"),
                ]);
            }

            _folderProblemLogged = false;
            if (changed || _snapshot is null)
            {
                _snapshot = Combine();
            }

            return _snapshot;
        }
    }

    private BlueprintCatalogSnapshot MissingFolder(string root)
    {
        if (!_folderProblemLogged)
        {
            logger.LogWarning(
                "The blueprints folder {BlueprintsDir} does not exist; no blueprint is loaded",
                root);
            _folderProblemLogged = true;
        }

        _folders.Clear();
        _snapshot = null;
        return new BlueprintCatalogSnapshot([],
        [
            new BlueprintProblem(root, "Cloner:BlueprintsDir",
                "the blueprints folder does not exist; create it or point Cloner:BlueprintsDir " +
                "at the folder that holds one sub-folder per blueprint"),
        ]);
    }

    /// <summary>Re-reads the folders whose files changed; true when anything changed.</summary>
    private bool Refresh(string root)
    {
        var present = Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, FileName)))
            .Select(Path.GetFullPath)
            .Order(StringComparer.Ordinal)
            .ToList();

        var changed = false;
        foreach (var gone in _folders.Keys.Except(present).ToList())
        {
            _folders.Remove(gone);
            changed = true;
        }

        foreach (var folder in present)
        {
            if (_folders.TryGetValue(folder, out var known) && known.IsCurrent())
            {
                continue;
            }

            var loaded = BlueprintFolder.Load(folder);
            _folders[folder] = loaded;
            LogLoad(loaded);
            changed = true;
        }

        return changed;
    }

    private void LogLoad(BlueprintFolder loaded)
    {
        var file = Path.Combine(loaded.Folder, FileName);
        if (loaded.Problems.Count > 0)
        {
            logger.LogWarning(
                "Blueprint file {BlueprintFile} has {ProblemCount} problem(s) and is not loaded: "
                + "{Problems}",
                file,
                loaded.Problems.Count,
                string.Join(" | ", loaded.Problems.Select(p => $"{p.Key}: {p.Message}")));
        }
        else
        {
            logger.LogInformation("Loaded blueprint {Blueprint} from {BlueprintFile}",
                loaded.Blueprint!.Name, file);
        }
    }

    private BlueprintCatalogSnapshot Combine()
    {
        var blueprints = new List<Blueprint>();
        var problems = new List<BlueprintProblem>();
        foreach (var folder in _folders.Values.OrderBy(f => f.Folder, StringComparer.Ordinal))
        {
            problems.AddRange(folder.Problems);
            if (folder.Blueprint is not { } blueprint)
            {
                continue;
            }

            if (blueprints.FirstOrDefault(b => b.Name == blueprint.Name) is { } first)
            {
                problems.Add(new BlueprintProblem(Path.Combine(folder.Folder, FileName), "name",
                    $"'{blueprint.Name}' is already the name of the blueprint in " +
                    $"{first.Folder}; " +
                    "give each blueprint its own name"));
                continue;
            }

            blueprints.Add(blueprint);
        }

        return new BlueprintCatalogSnapshot(blueprints, problems);
    }

    /// <summary>A blueprint folder as last read, with stamps of the files it came from.</summary>
    private sealed record BlueprintFolder(
        string Folder,
        Blueprint? Blueprint,
        IReadOnlyList<BlueprintProblem> Problems,
        IReadOnlyList<FileStamp> Files)
    {
        public static BlueprintFolder Load(string folder)
        {
            var result = BlueprintFile.Parse(folder, Path.Combine(folder, FileName));
            var stamps = result.FilesRead.Select(FileStamp.Of).ToList();
            return new BlueprintFolder(folder, result.Blueprint, result.Problems, stamps);
        }

        public bool IsCurrent() => Files.All(f => f == FileStamp.Of(f.Path));
    }

    private sealed record FileStamp(string Path, DateTime WrittenUtc, long Length)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists
                ? new FileStamp(path, info.LastWriteTimeUtc, info.Length)
                : new FileStamp(path, DateTime.MinValue, -1);
        }
    }
}
