using Cloner.Domain.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cloner.Infrastructure.Storage.Mongo;

internal sealed class MongoPortClaimStore(IMongoCollection<BsonDocument> documents)
    : IPortClaimStore
{
    public async Task<bool> TryClaimAsync(PortClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await documents.InsertOneAsync(
                MongoDocuments.From(claim),
                cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<PortClaim>> ListAsync(CancellationToken cancellationToken)
    {
        var found = await documents.Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(Builders<BsonDocument>.Sort.Ascending("port"))
            .ToListAsync(cancellationToken);
        return [.. found.Select(MongoDocuments.ToPortClaim)];
    }

    public Task ReleaseAsync(string clone, CancellationToken cancellationToken) =>
        documents.DeleteManyAsync(
            Builders<BsonDocument>.Filter.Eq("clone", clone),
            cancellationToken);
}
