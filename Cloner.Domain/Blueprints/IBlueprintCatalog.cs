namespace Cloner.Domain.Blueprints;

/// <summary>The blueprints in the blueprints folder, read afresh on each call.</summary>
public interface IBlueprintCatalog
{
    BlueprintCatalogSnapshot Read();
}

public sealed record BlueprintCatalogSnapshot(
    IReadOnlyList<Blueprint> Blueprints,
    IReadOnlyList<BlueprintProblem> Problems)
{
    public Blueprint? Find(string name) => Blueprints.FirstOrDefault(b => b.Name == name);
}

/// <summary>Why a blueprint could not be loaded: the file, the key and the problem.</summary>
public sealed record BlueprintProblem(string File, string Key, string Message)
{
    public override string ToString() => $"{File}: {Key}: {Message}";
}
