using Cloner.Domain.Storage;

namespace Cloner.Infrastructure.Storage.Sqlite;

internal sealed class SqliteAuditLog(SqliteStore store) : IAuditLog
{
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection.Command(
                """
                INSERT INTO audit (at, user_name, action, clone_name, detail)
                VALUES (@at, @user, @action, @clone, @detail);
                """,
                ("@at", SqliteValues.Time(entry.At)),
                ("@user", entry.User),
                ("@action", entry.Action),
                ("@clone", entry.CloneName),
                ("@detail", entry.Detail))
            .ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(
        int limit,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var reader = await connection.Command(
                """
                SELECT at, user_name, action, clone_name, detail
                FROM audit ORDER BY at DESC, id DESC LIMIT @limit;
                """,
                ("@limit", limit))
            .ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                SqliteValues.ReadTime(reader, 0),
                reader.GetString(1),
                reader.GetString(2),
                SqliteValues.ReadStringOrNull(reader, 3),
                SqliteValues.ReadStringOrNull(reader, 4)));
        }

        return entries;
    }
}
