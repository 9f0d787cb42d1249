using Cloner.Domain.Blueprints;

namespace Cloner.Domain.Provisioning;

/// <summary>The clones' folders under ClonesRoot.</summary>
public interface ICloneFolders
{
    /// <summary>The folder of a clone; the name is checked and the path is checked to lie under the root.</summary>
    string PathOf(string clone);

    bool Exists(string clone);

    /// <summary>Copies the blueprint's files, leaving out its excludes; refuses when the folder exists.</summary>
    Task CopyBlueprintAsync(Blueprint blueprint, string clone, CancellationToken cancellationToken);

    /// <summary>Writes <c>.env</c> with mode 0600 from the start, through a temporary file and a rename.</summary>
    Task WriteEnvAsync(string clone, string content, CancellationToken cancellationToken);

    /// <summary>Reads the clone's <c>.env</c>, or an empty list when there is none.</summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>> ReadEnvAsync(string clone,
        CancellationToken cancellationToken);

    /// <summary>Removes the clone's folder when it exists.</summary>
    Task RemoveAsync(string clone, CancellationToken cancellationToken);
}
