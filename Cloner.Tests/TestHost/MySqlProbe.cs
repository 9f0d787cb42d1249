using MySqlConnector;

namespace Cloner.Tests.TestHost;

/// <summary>Looks at the test MariaDB directly, as its admin or as a clone's user.</summary>
public sealed class MySqlProbe(LiveServers servers)
{
    public async Task<bool> DatabaseExistsAsync(string database)
    {
        var count = await ScalarAsync(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @name",
            database);
        return count > 0;
    }

    public Task<long> UserCountAsync(string user) =>
        ScalarAsync("SELECT COUNT(*) FROM mysql.user WHERE User = @name", user);

    public Task<long> TableCountAsync(string database) =>
        ScalarAsync("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = @name",
            database);

    /// <summary>
    /// A connection as the clone's user, over TCP like the clone's app makes it.
    /// </summary>
    public async Task<MySqlConnection> ConnectAsAsync(string user, string password,
        string? database)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = servers.MySqlHost,
            Port = (uint)servers.MySqlPort,
            UserID = user,
            Password = password,
            Database = database ?? "",
            Pooling = false,
        };
        var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<List<string>> NamesAsync(string sql)
    {
        await using var connection = await AdminAsync();
        return await ColumnAsync(connection, sql);
    }

    public async Task ExecuteAsAdminAsync(string sql)
    {
        await using var connection = await AdminAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<string>> ColumnAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private async Task<long> ScalarAsync(string sql, string name)
    {
        await using var connection = await AdminAsync();
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@name", name);
        return Convert.ToInt64(await command.ExecuteScalarAsync(),
            System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<MySqlConnection> AdminAsync()
    {
        var builder = new MySqlConnectionStringBuilder(servers.MySqlAdmin) { Pooling = false };
        var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
