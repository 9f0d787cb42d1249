using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using MongoDB.Bson;

namespace Cloner.Infrastructure.Storage.Mongo;

/// <summary>
/// The documents of the MongoDB store, mapped field by field so that a renamed C# property
/// never renames a stored field. Times are BSON dates (UTC), enums their names.
/// BSON dates hold milliseconds, so a time comes back without its sub-millisecond ticks, and a
/// copy from the embedded store to MongoDB drops them from every time it copies.
/// </summary>
internal static class MongoDocuments
{
    public static BsonDocument From(Clone clone) => new()
    {
        { "name", clone.Name },
        { "blueprint", clone.Blueprint },
        { "number", clone.Number },
        { "status", clone.Status.ToString() },
        { "statusReason", Nullable(clone.StatusReason) },
        { "inputs", Map(clone.Inputs, v => new BsonString(v)) },
        { "ports", Map(clone.Ports, v => new BsonInt32(v)) },
        { "folder", clone.Folder },
        { "databaseName", Nullable(clone.DatabaseName) },
        { "databaseUser", Nullable(clone.DatabaseUser) },
        {
            "made", new BsonDocument
            {
                { "database", clone.Made.Database },
                { "databaseUser", clone.Made.DatabaseUser },
                { "folder", clone.Made.Folder },
                { "route", clone.Made.Route },
            }
        },
        { "createdAt", Time(clone.CreatedAt) },
        { "updatedAt", Time(clone.UpdatedAt) },
    };

    public static Clone ToClone(BsonDocument document)
    {
        var made = document["made"].AsBsonDocument;
        return new Clone
        {
            Name = document["name"].AsString,
            Blueprint = document["blueprint"].AsString,
            Number = document["number"].ToInt32(),
            Status = Enum<CloneStatus>(document["status"]),
            StatusReason = StringOrNull(document, "statusReason"),
            Inputs = ReadMap(document["inputs"], v => v.AsString),
            Ports = ReadMap(document["ports"], v => v.ToInt32()),
            Folder = document["folder"].AsString,
            DatabaseName = StringOrNull(document, "databaseName"),
            DatabaseUser = StringOrNull(document, "databaseUser"),
            Made = new CloneResources
            {
                Database = made["database"].AsBoolean,
                DatabaseUser = made["databaseUser"].AsBoolean,
                Folder = made["folder"].AsBoolean,
                Route = made["route"].AsBoolean,
            },
            CreatedAt = ReadTime(document["createdAt"]),
            UpdatedAt = ReadTime(document["updatedAt"]),
        };
    }

    public static BsonDocument From(PortClaim claim) => new()
    {
        { "port", claim.Port },
        { "clone", claim.CloneName },
        { "slot", claim.Slot },
    };

    public static PortClaim ToPortClaim(BsonDocument document) => new(
        document["port"].ToInt32(),
        document["clone"].AsString,
        document["slot"].AsString);

    public static BsonDocument From(StepEvent stepEvent) => new()
    {
        { "clone", stepEvent.CloneName },
        { "sequence", stepEvent.Sequence },
        { "operation", stepEvent.Operation },
        { "step", stepEvent.Step },
        { "kind", stepEvent.Kind.ToString() },
        { "message", stepEvent.Message },
        { "durationMs", stepEvent.DurationMs is { } ms ? new BsonInt64(ms) : BsonNull.Value },
        { "at", Time(stepEvent.At) },
    };

    public static StepEvent ToStepEvent(BsonDocument document) => new(
        document["clone"].AsString,
        document["sequence"].ToInt64(),
        document["operation"].AsString,
        document["step"].AsString,
        Enum<StepEventKind>(document["kind"]),
        document["message"].AsString,
        document["durationMs"].IsBsonNull ? null : document["durationMs"].ToInt64(),
        ReadTime(document["at"]));

    public static BsonDocument From(ComponentRecord record) => new()
    {
        { "clone", record.CloneName },
        { "component", record.Component },
        { "state", record.State.ToString() },
        { "wantedRunning", record.WantedRunning },
        { "pid", record.Pid is { } pid ? new BsonInt32(pid) : BsonNull.Value },
        {
            "processStartTicks",
            record.ProcessStartTicks is { } ticks ? new BsonInt64(ticks) : BsonNull.Value
        },
        { "commandLine", Nullable(record.CommandLine) },
        { "startedAt", Time(record.StartedAt) },
        { "exitCode", record.ExitCode is { } code ? new BsonInt32(code) : BsonNull.Value },
        { "restarts", record.Restarts },
        { "message", Nullable(record.Message) },
        { "updatedAt", Time(record.UpdatedAt) },
    };

    public static ComponentRecord ToComponentRecord(BsonDocument document) => new()
    {
        CloneName = document["clone"].AsString,
        Component = document["component"].AsString,
        State = Enum<ComponentState>(document["state"]),
        WantedRunning = document["wantedRunning"].AsBoolean,
        Pid = document["pid"].IsBsonNull ? null : document["pid"].ToInt32(),
        ProcessStartTicks = document["processStartTicks"].IsBsonNull
            ? null
            : document["processStartTicks"].ToInt64(),
        CommandLine = StringOrNull(document, "commandLine"),
        StartedAt = TimeOrNull(document, "startedAt"),
        ExitCode = document["exitCode"].IsBsonNull ? null : document["exitCode"].ToInt32(),
        Restarts = document["restarts"].ToInt32(),
        Message = StringOrNull(document, "message"),
        UpdatedAt = ReadTime(document["updatedAt"]),
    };

    public static BsonDocument From(UserAccount user) => new()
    {
        { "_id", user.Id },
        { "userName", user.UserName },
        { "normalizedUserName", user.NormalizedUserName },
        { "passwordHash", Nullable(user.PasswordHash) },
        { "securityStamp", Nullable(user.SecurityStamp) },
        { "concurrencyStamp", Nullable(user.ConcurrencyStamp) },
        { "lockoutEnabled", user.LockoutEnabled },
        { "lockoutEnd", Time(user.LockoutEnd) },
        { "accessFailedCount", user.AccessFailedCount },
        { "roles", new BsonArray(user.Roles) },
        { "createdAt", Time(user.CreatedAt) },
    };

    public static UserAccount ToUserAccount(BsonDocument document) => new()
    {
        Id = document["_id"].AsString,
        UserName = document["userName"].AsString,
        NormalizedUserName = document["normalizedUserName"].AsString,
        PasswordHash = StringOrNull(document, "passwordHash"),
        SecurityStamp = StringOrNull(document, "securityStamp"),
        ConcurrencyStamp = StringOrNull(document, "concurrencyStamp"),
        LockoutEnabled = document["lockoutEnabled"].AsBoolean,
        LockoutEnd = TimeOrNull(document, "lockoutEnd"),
        AccessFailedCount = document["accessFailedCount"].ToInt32(),
        Roles = [.. document["roles"].AsBsonArray.Select(r => r.AsString)],
        CreatedAt = ReadTime(document["createdAt"]),
    };

    public static BsonDocument From(AuditEntry entry) => new()
    {
        { "at", Time(entry.At) },
        { "user", entry.User },
        { "action", entry.Action },
        { "clone", Nullable(entry.CloneName) },
        { "detail", Nullable(entry.Detail) },
    };

    public static AuditEntry ToAuditEntry(BsonDocument document) => new(
        ReadTime(document["at"]),
        document["user"].AsString,
        document["action"].AsString,
        StringOrNull(document, "clone"),
        StringOrNull(document, "detail"));

    private static BsonValue Nullable(string? value) =>
        value is null ? BsonNull.Value : new BsonString(value);

    private static BsonDateTime Time(DateTimeOffset value) => new(value.UtcDateTime);

    private static BsonValue Time(DateTimeOffset? value) =>
        value is { } v ? Time(v) : BsonNull.Value;

    private static DateTimeOffset ReadTime(BsonValue value) =>
        new(value.ToUniversalTime(), TimeSpan.Zero);

    private static DateTimeOffset? TimeOrNull(BsonDocument document, string name) =>
        document.GetValue(name, BsonNull.Value).IsBsonNull ? null : ReadTime(document[name]);

    private static string? StringOrNull(BsonDocument document, string name) =>
        document.GetValue(name, BsonNull.Value) is { IsBsonNull: false } value
            ? value.AsString
            : null;

    private static TEnum Enum<TEnum>(BsonValue value)
        where TEnum : struct, Enum =>
        System.Enum.TryParse<TEnum>(value.AsString, ignoreCase: false, out var parsed)
            ? parsed
            : throw new InvalidDataException(
                $"The store holds '{value}' where a {typeof(TEnum).Name} name belongs.");

    private static BsonDocument Map<TValue>(
        IReadOnlyDictionary<string, TValue> map,
        Func<TValue, BsonValue> write)
    {
        var document = new BsonDocument();
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            document.Add(key, write(value));
        }

        return document;
    }

    private static Dictionary<string, TValue> ReadMap<TValue>(
        BsonValue value,
        Func<BsonValue, TValue> read) =>
        value.AsBsonDocument.ToDictionary(e => e.Name, e => read(e.Value), StringComparer.Ordinal);
}
