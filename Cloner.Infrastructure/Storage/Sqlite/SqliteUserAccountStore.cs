using Cloner.Domain.Storage;
using Microsoft.Data.Sqlite;

namespace Cloner.Infrastructure.Storage.Sqlite;

internal sealed class SqliteUserAccountStore(SqliteStore store) : IUserAccountStore
{
    private const string Columns = """
        id, user_name, normalized_user_name, password_hash, security_stamp, concurrency_stamp,
        lockout_enabled, lockout_end, access_failed_count, roles, created_at
        """;

    private const string Values = """
        @id, @user_name, @normalized_user_name, @password_hash, @security_stamp, @concurrency_stamp,
        @lockout_enabled, @lockout_end, @access_failed_count, @roles, @created_at
        """;

    public async Task<bool> TryCreateAsync(UserAccount user, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        try
        {
            await connection
                .Command($"INSERT INTO users ({Columns}) VALUES ({Values});", Parameters(user))
                .ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (SqliteException e) when (SqliteValues.IsConstraintViolation(e))
        {
            return false;
        }
    }

    public async Task UpdateAsync(UserAccount user, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        int changed;
        try
        {
            changed = await connection.Command(
                    $"UPDATE users SET ({Columns}) = ({Values}) WHERE id = @id;",
                    Parameters(user))
                .ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (SqliteValues.IsConstraintViolation(e))
        {
            throw new InvalidOperationException(
                $"The user name '{user.UserName}' is taken by another user; choose another name.",
                e);
        }

        if (changed == 0)
        {
            throw new InvalidOperationException(
                $"User '{user.UserName}' is not in the store, so it cannot be updated.");
        }
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection.Command("DELETE FROM users WHERE id = @id;", ("@id", id))
            .ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<UserAccount?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        FindAsync("id = @key", id, cancellationToken);

    public Task<UserAccount?> FindByNormalizedNameAsync(
        string normalizedUserName,
        CancellationToken cancellationToken) =>
        FindAsync("normalized_user_name = @key", normalizedUserName, cancellationToken);

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var count = await connection.Command("SELECT count(*) FROM users;")
            .ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt32(count, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await ReadAsync(
            connection.Command($"SELECT {Columns} FROM users ORDER BY normalized_user_name;"),
            cancellationToken);
    }

    private async Task<UserAccount?> FindAsync(
        string condition,
        string key,
        CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var found = await ReadAsync(
            connection.Command($"SELECT {Columns} FROM users WHERE {condition};", ("@key", key)),
            cancellationToken);
        return found.SingleOrDefault();
    }

    private static (string, object?)[] Parameters(UserAccount user) =>
    [
        ("@id", user.Id),
        ("@user_name", user.UserName),
        ("@normalized_user_name", user.NormalizedUserName),
        ("@password_hash", user.PasswordHash),
        ("@security_stamp", user.SecurityStamp),
        ("@concurrency_stamp", user.ConcurrencyStamp),
        ("@lockout_enabled", user.LockoutEnabled),
        ("@lockout_end", SqliteValues.Time(user.LockoutEnd)),
        ("@access_failed_count", user.AccessFailedCount),
        ("@roles", SqliteValues.Json(user.Roles)),
        ("@created_at", SqliteValues.Time(user.CreatedAt)),
    ];

    private static async Task<List<UserAccount>> ReadAsync(
        SqliteCommand command,
        CancellationToken cancellationToken)
    {
        var users = new List<UserAccount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new UserAccount
            {
                Id = reader.GetString(0),
                UserName = reader.GetString(1),
                NormalizedUserName = reader.GetString(2),
                PasswordHash = SqliteValues.ReadStringOrNull(reader, 3),
                SecurityStamp = SqliteValues.ReadStringOrNull(reader, 4),
                ConcurrencyStamp = SqliteValues.ReadStringOrNull(reader, 5),
                LockoutEnabled = reader.GetBoolean(6),
                LockoutEnd = SqliteValues.ReadTimeOrNull(reader, 7),
                AccessFailedCount = reader.GetInt32(8),
                Roles = SqliteValues.ReadList(reader, 9),
                CreatedAt = SqliteValues.ReadTime(reader, 10),
            });
        }

        return users;
    }
}
