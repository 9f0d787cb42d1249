using Cloner.Domain.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cloner.Infrastructure.Storage.Mongo;

internal sealed class MongoUserAccountStore(IMongoCollection<BsonDocument> documents)
    : IUserAccountStore
{
    public async Task<bool> TryCreateAsync(UserAccount user, CancellationToken cancellationToken)
    {
        try
        {
            await documents.InsertOneAsync(
                MongoDocuments.From(user),
                cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            return false;
        }
    }

    public async Task UpdateAsync(UserAccount user, CancellationToken cancellationToken)
    {
        ReplaceOneResult result;
        try
        {
            result = await documents.ReplaceOneAsync(
                ById(user.Id),
                MongoDocuments.From(user),
                cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            throw new InvalidOperationException(
                $"The user name '{user.UserName}' is taken by another user; choose another name.",
                e);
        }

        if (result.MatchedCount == 0)
        {
            throw new InvalidOperationException(
                $"User '{user.UserName}' is not in the store, so it cannot be updated.");
        }
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        documents.DeleteOneAsync(ById(id), cancellationToken);

    public Task<UserAccount?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        FindAsync(ById(id), cancellationToken);

    public Task<UserAccount?> FindByNormalizedNameAsync(
        string normalizedUserName,
        CancellationToken cancellationToken) =>
        FindAsync(
            Builders<BsonDocument>.Filter.Eq("normalizedUserName", normalizedUserName),
            cancellationToken);

    public async Task<int> CountAsync(CancellationToken cancellationToken) =>
        (int)await documents.CountDocumentsAsync(
            FilterDefinition<BsonDocument>.Empty,
            cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken)
    {
        var found = await documents.Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(Builders<BsonDocument>.Sort.Ascending("normalizedUserName"))
            .ToListAsync(cancellationToken);
        return [.. found.Select(MongoDocuments.ToUserAccount)];
    }

    private async Task<UserAccount?> FindAsync(
        FilterDefinition<BsonDocument> filter,
        CancellationToken cancellationToken)
    {
        var document = await documents.Find(filter).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoDocuments.ToUserAccount(document);
    }

    private static FilterDefinition<BsonDocument> ById(string id) =>
        Builders<BsonDocument>.Filter.Eq("_id", id);
}
