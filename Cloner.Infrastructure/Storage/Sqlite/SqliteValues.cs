using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloner.Domain.Clones;
using Microsoft.Data.Sqlite;

namespace Cloner.Infrastructure.Storage.Sqlite;

/// <summary>
/// How values are written to and read from SQLite columns: times as UTC text with seven
/// fraction digits (sortable, and exact to the tick), enums as their names, dictionaries and
/// <see cref="CloneResources"/> as JSON with explicit property names.
/// </summary>
internal static class SqliteValues
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const int ConstraintViolation = 19;

    public static bool IsConstraintViolation(SqliteException exception) =>
        exception.SqliteErrorCode == ConstraintViolation;

    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static string? Time(DateTimeOffset? value) => value is { } v ? Time(v) : null;

    public static DateTimeOffset ReadTime(SqliteDataReader reader, int ordinal)
    {
        var utc = DateTime.ParseExact(
            reader.GetString(ordinal),
            TimeFormat,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return new DateTimeOffset(utc, TimeSpan.Zero);
    }

    public static DateTimeOffset? ReadTimeOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    public static string? ReadStringOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? ReadIntOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static long? ReadLongOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static TEnum ReadEnum<TEnum>(SqliteDataReader reader, int ordinal)
        where TEnum : struct, Enum
    {
        var text = reader.GetString(ordinal);
        return Enum.TryParse<TEnum>(text, ignoreCase: false, out var value)
            ? value
            : throw new InvalidDataException(
                $"The store holds '{text}' where a {typeof(TEnum).Name} name belongs.");
    }

    public static string Json<TValue>(IReadOnlyDictionary<string, TValue> map) =>
        JsonSerializer.Serialize(new SortedDictionary<string, TValue>(
            map.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            StringComparer.Ordinal));

    public static Dictionary<string, TValue> ReadMap<TValue>(
        SqliteDataReader reader,
        int ordinal) =>
        new(
            JsonSerializer.Deserialize<Dictionary<string, TValue>>(reader.GetString(ordinal)) ?? [],
            StringComparer.Ordinal);

    public static string Json(IReadOnlyList<string> list) => JsonSerializer.Serialize(list);

    public static IReadOnlyList<string> ReadList(SqliteDataReader reader, int ordinal) =>
        JsonSerializer.Deserialize<List<string>>(reader.GetString(ordinal)) ?? [];

    public static string Json(CloneResources made) => new JsonObject
    {
        ["database"] = made.Database,
        ["databaseUser"] = made.DatabaseUser,
        ["folder"] = made.Folder,
        ["route"] = made.Route,
    }.ToJsonString();

    public static CloneResources ReadResources(SqliteDataReader reader, int ordinal)
    {
        var node = JsonNode.Parse(reader.GetString(ordinal)) as JsonObject ?? [];
        return new CloneResources
        {
            Database = Flag(node, "database"),
            DatabaseUser = Flag(node, "databaseUser"),
            Folder = Flag(node, "folder"),
            Route = Flag(node, "route"),
        };
    }

    private static bool Flag(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
}
