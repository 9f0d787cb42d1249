using Cloner.Domain.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cloner.Infrastructure.Storage.Mongo;

internal sealed class MongoAuditLog(IMongoCollection<BsonDocument> documents) : IAuditLog
{
    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        documents.InsertOneAsync(MongoDocuments.From(entry), cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(
        int limit,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }

        // Entries of the same millisecond keep their order through the ObjectId, which the
        // driver makes increasing within one process.
        var found = await documents.Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(Builders<BsonDocument>.Sort.Descending("at").Descending("_id"))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return [.. found.Select(MongoDocuments.ToAuditEntry)];
    }
}
