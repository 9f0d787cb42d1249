using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using Cloner.Infrastructure.Storage.Mongo;
using MongoDB.Bson;
using static Cloner.Tests.Storage.StoreSamples;

namespace Cloner.Tests.Storage;

/// <summary>The document mapping of the MongoDB store, checked without a server.</summary>
public sealed class MongoDocumentsTests
{
    [Fact]
    public void Clone_MappedToADocument_HasTheExplicitFieldNamesAndComesBack()
    {
        var clone = Clone("bot7");

        var document = Reparsed(MongoDocuments.From(clone));

        Assert.Equal(
            ["name", "blueprint", "number", "status", "statusReason", "inputs", "ports", "folder",
                "databaseName", "databaseUser", "made", "createdAt", "updatedAt"],
            document.Names);
        Assert.Equal("Ready", document["status"].AsString);
        Assert.Equal(BsonType.DateTime, document["createdAt"].BsonType);
        Assert.Equal(
            ["database", "databaseUser", "folder", "route"],
            document["made"].AsBsonDocument.Names);
        AssertSame(clone, MongoDocuments.ToClone(document));
    }

    [Fact]
    public void Records_MappedToDocuments_ComeBackEqual()
    {
        var step = Step("bot7", 3);
        var running = Component("bot7", "bot");
        var stopped = running with
        {
            Pid = null,
            ProcessStartTicks = null,
            StartedAt = null,
            ExitCode = 0,
        };
        var claim = new PortClaim(8100, "bot7", "http");
        var audit = new AuditEntry(Noon, "admin", "create", null, null);

        Assert.Equal(step, MongoDocuments.ToStepEvent(Reparsed(MongoDocuments.From(step))));
        Assert.Equal(running, ComponentRoundTrip(running));
        Assert.Equal(stopped, ComponentRoundTrip(stopped));
        Assert.Equal(claim, MongoDocuments.ToPortClaim(Reparsed(MongoDocuments.From(claim))));
        Assert.Equal(audit, MongoDocuments.ToAuditEntry(Reparsed(MongoDocuments.From(audit))));
        Assert.Equal("Running", MongoDocuments.From(running)["state"].AsString);
        Assert.Equal("Succeeded", MongoDocuments.From(step)["kind"].AsString);
    }

    [Fact]
    public void User_MappedToADocument_UsesItsIdAsTheDocumentId()
    {
        var user = User("admin") with { LockoutEnd = Noon.AddMinutes(5), AccessFailedCount = 2 };

        var document = Reparsed(MongoDocuments.From(user));

        Assert.Equal("id-admin", document["_id"].AsString);
        Assert.Equal("ADMIN", document["normalizedUserName"].AsString);
        AssertSame(user, MongoDocuments.ToUserAccount(document));
    }

    private static ComponentRecord ComponentRoundTrip(ComponentRecord record) =>
        MongoDocuments.ToComponentRecord(Reparsed(MongoDocuments.From(record)));

    /// <summary>The document as a server hands it back: written to BSON and read again.</summary>
    private static BsonDocument Reparsed(BsonDocument document) =>
        MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonDocument>(document.ToBson());
}
