using Cloner.Domain.Clones;
using Cloner.Domain.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cloner.Infrastructure.Storage.Mongo;

internal sealed class MongoCloneStore(IMongoCollection<BsonDocument> documents) : ICloneStore
{
    public async Task<bool> TryInsertAsync(Clone clone, CancellationToken cancellationToken)
    {
        try
        {
            await documents.InsertOneAsync(
                MongoDocuments.From(clone),
                cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            return false;
        }
    }

    public async Task UpdateAsync(Clone clone, CancellationToken cancellationToken)
    {
        var result = await documents.ReplaceOneAsync(
            ByName(clone.Name),
            MongoDocuments.From(clone),
            cancellationToken: cancellationToken);
        if (result.MatchedCount == 0)
        {
            throw new InvalidOperationException(
                $"Clone '{clone.Name}' is not in the store, so it cannot be updated.");
        }
    }

    public async Task<Clone?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var document = await documents.Find(ByName(name)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoDocuments.ToClone(document);
    }

    public async Task<IReadOnlyList<Clone>> ListAsync(CancellationToken cancellationToken)
    {
        var found = await documents.Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(Builders<BsonDocument>.Sort.Ascending("name"))
            .ToListAsync(cancellationToken);
        return [.. found.Select(MongoDocuments.ToClone)];
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        documents.DeleteOneAsync(ByName(name), cancellationToken);

    private static FilterDefinition<BsonDocument> ByName(string name) =>
        Builders<BsonDocument>.Filter.Eq("name", name);
}
