using Cloner.Domain.Blueprints;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Blueprints;

// PLACEHOLDER: replaced by the real YAML loader.
public sealed class YamlBlueprintCatalog(ClonerOptions options, ILogger<YamlBlueprintCatalog> logger)
    : IBlueprintCatalog
{
    public BlueprintCatalogSnapshot Read() => throw new NotImplementedException($"{options}{logger}");
}
