using MongoDB.Driver;

namespace Cloner.Infrastructure.Storage.Mongo;

internal static class MongoErrors
{
    public static bool IsDuplicateKey(MongoWriteException exception) =>
        exception.WriteError?.Category == ServerErrorCategory.DuplicateKey;
}
