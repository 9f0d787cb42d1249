using Cloner.Domain.Clones;
using Cloner.Domain.Storage;
using Microsoft.Data.Sqlite;

namespace Cloner.Infrastructure.Storage.Sqlite;

internal sealed class SqliteCloneStore(SqliteStore store) : ICloneStore
{
    private const string Columns = """
        name, blueprint, number, status, status_reason, inputs, ports, folder,
        database_name, database_user, made, created_at, updated_at
        """;

    private const string Values = """
        @name, @blueprint, @number, @status, @status_reason, @inputs, @ports, @folder,
        @database_name, @database_user, @made, @created_at, @updated_at
        """;

    public async Task<bool> TryInsertAsync(Clone clone, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        try
        {
            await connection
                .Command($"INSERT INTO clones ({Columns}) VALUES ({Values});", Parameters(clone))
                .ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (SqliteException e) when (SqliteValues.IsConstraintViolation(e))
        {
            return false;
        }
    }

    public async Task UpdateAsync(Clone clone, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var changed = await connection.Command(
                $"UPDATE clones SET ({Columns}) = ({Values}) WHERE name = @name;",
                Parameters(clone))
            .ExecuteNonQueryAsync(cancellationToken);
        if (changed == 0)
        {
            throw new InvalidOperationException(
                $"Clone '{clone.Name}' is not in the store, so it cannot be updated.");
        }
    }

    public async Task<Clone?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var found = await ReadAsync(
            connection.Command(
                $"SELECT {Columns} FROM clones WHERE name = @name;",
                ("@name", name)),
            cancellationToken);
        return found.SingleOrDefault();
    }

    public async Task<IReadOnlyList<Clone>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await ReadAsync(
            connection.Command($"SELECT {Columns} FROM clones ORDER BY name;"),
            cancellationToken);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection.Command("DELETE FROM clones WHERE name = @name;", ("@name", name))
            .ExecuteNonQueryAsync(cancellationToken);
    }

    private static (string, object?)[] Parameters(Clone clone) =>
    [
        ("@name", clone.Name),
        ("@blueprint", clone.Blueprint),
        ("@number", clone.Number),
        ("@status", clone.Status.ToString()),
        ("@status_reason", clone.StatusReason),
        ("@inputs", SqliteValues.Json(clone.Inputs)),
        ("@ports", SqliteValues.Json(clone.Ports)),
        ("@folder", clone.Folder),
        ("@database_name", clone.DatabaseName),
        ("@database_user", clone.DatabaseUser),
        ("@made", SqliteValues.Json(clone.Made)),
        ("@created_at", SqliteValues.Time(clone.CreatedAt)),
        ("@updated_at", SqliteValues.Time(clone.UpdatedAt)),
    ];

    private static async Task<List<Clone>> ReadAsync(
        SqliteCommand command,
        CancellationToken cancellationToken)
    {
        var clones = new List<Clone>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            clones.Add(new Clone
            {
                Name = reader.GetString(0),
                Blueprint = reader.GetString(1),
                Number = reader.GetInt32(2),
                Status = SqliteValues.ReadEnum<CloneStatus>(reader, 3),
                StatusReason = SqliteValues.ReadStringOrNull(reader, 4),
                Inputs = SqliteValues.ReadMap<string>(reader, 5),
                Ports = SqliteValues.ReadMap<int>(reader, 6),
                Folder = reader.GetString(7),
                DatabaseName = SqliteValues.ReadStringOrNull(reader, 8),
                DatabaseUser = SqliteValues.ReadStringOrNull(reader, 9),
                Made = SqliteValues.ReadResources(reader, 10),
                CreatedAt = SqliteValues.ReadTime(reader, 11),
                UpdatedAt = SqliteValues.ReadTime(reader, 12),
            });
        }

        return clones;
    }
}
