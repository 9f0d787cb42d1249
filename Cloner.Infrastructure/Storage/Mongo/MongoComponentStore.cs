using Cloner.Domain.Processes;
using Cloner.Domain.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cloner.Infrastructure.Storage.Mongo;

internal sealed class MongoComponentStore(IMongoCollection<BsonDocument> documents)
    : IComponentStore
{
    public Task UpsertAsync(ComponentRecord record, CancellationToken cancellationToken)
    {
        var filter = Builders<BsonDocument>.Filter.And(
            Builders<BsonDocument>.Filter.Eq("clone", record.CloneName),
            Builders<BsonDocument>.Filter.Eq("component", record.Component));
        return documents.ReplaceOneAsync(
            filter,
            MongoDocuments.From(record),
            new ReplaceOptions { IsUpsert = true },
            cancellationToken);
    }

    public async Task<IReadOnlyList<ComponentRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var found = await documents.Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(Builders<BsonDocument>.Sort.Ascending("clone").Ascending("component"))
            .ToListAsync(cancellationToken);
        return [.. found.Select(MongoDocuments.ToComponentRecord)];
    }

    public Task DeleteAsync(string clone, CancellationToken cancellationToken) =>
        documents.DeleteManyAsync(
            Builders<BsonDocument>.Filter.Eq("clone", clone),
            cancellationToken);
}
