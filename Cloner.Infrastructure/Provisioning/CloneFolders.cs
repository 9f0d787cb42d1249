using Cloner.Domain.Blueprints;
using Cloner.Domain.Provisioning;

namespace Cloner.Infrastructure.Provisioning;

// PLACEHOLDER: replaced by the real file system implementation.
public sealed class CloneFolders(ClonerOptions options) : ICloneFolders
{
    public string PathOf(string clone) => throw new NotImplementedException($"{options}");

    public bool Exists(string clone) => throw new NotImplementedException();

    public Task CopyBlueprintAsync(Blueprint blueprint, string clone, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task WriteEnvAsync(string clone, string content, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<IReadOnlyList<KeyValuePair<string, string>>> ReadEnvAsync(string clone,
        CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task RemoveAsync(string clone, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
