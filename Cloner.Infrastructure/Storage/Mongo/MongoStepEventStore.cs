using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cloner.Infrastructure.Storage.Mongo;

internal sealed class MongoStepEventStore(IMongoCollection<BsonDocument> documents)
    : IStepEventStore
{
    public async Task AppendAsync(StepEvent stepEvent, CancellationToken cancellationToken)
    {
        try
        {
            await documents.InsertOneAsync(
                MongoDocuments.From(stepEvent),
                cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            throw new InvalidOperationException(
                $"Clone '{stepEvent.CloneName}' already has a step event with sequence "
                + $"{stepEvent.Sequence}; each event needs a sequence of its own.",
                e);
        }
    }

    public async Task<IReadOnlyList<StepEvent>> ListAsync(
        string clone,
        CancellationToken cancellationToken)
    {
        var found = await documents.Find(ByClone(clone))
            .Sort(Builders<BsonDocument>.Sort.Ascending("sequence"))
            .ToListAsync(cancellationToken);
        return [.. found.Select(MongoDocuments.ToStepEvent)];
    }

    public Task DeleteAsync(string clone, CancellationToken cancellationToken) =>
        documents.DeleteManyAsync(ByClone(clone), cancellationToken);

    private static FilterDefinition<BsonDocument> ByClone(string clone) =>
        Builders<BsonDocument>.Filter.Eq("clone", clone);
}
