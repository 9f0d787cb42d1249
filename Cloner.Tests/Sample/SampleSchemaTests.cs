using Cloner.Infrastructure.Provisioning;
using Cloner.Tests.Blueprints;
using Cloner.Tests.Templates;
using Cloner.Tests.TestHost;
using Cloner.Tests.TestServers;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace Cloner.Tests.Sample;

/// <summary>The sample's schema.sql, run by the real provisioner in the test MariaDB.</summary>
public sealed class SampleSchemaTests : IAsyncLifetime
{
    private const string Password = "Sample0123456789abcdefghijABCDEFGHIJ";

    private readonly string _name = $"sample_{Guid.NewGuid():N}"[..20];
    private MySqlDatabaseProvisioner? _provisioner;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_provisioner is not null)
        {
            await _provisioner.DropAsync(_name, _name, true, true, CancellationToken.None);
        }
    }

    [SkippableFact]
    public async Task SampleSchema_RunTwiceAsCloneUser_MakesUtf8mb4TablesThatTakeRows()
    {
        TestServerEnvironment.SkipUnlessMySql();
        var options = TestServerEnvironment.Options(Path.GetTempPath(),
            SampleBlueprintFolder.BlueprintsDir);
        _provisioner = new MySqlDatabaseProvisioner(options,
            NullLogger<MySqlDatabaseProvisioner>.Instance);
        var schema = FluidTemplateRendererTests.LoadEgo1().SchemaSql!;
        await _provisioner.CreateAsync(_name, _name, Password, _ => { }, CancellationToken.None);

        await _provisioner.RunSchemaAsync(_name, _name, Password, schema, CancellationToken.None);
        await _provisioner.RunSchemaAsync(_name, _name, Password, schema, CancellationToken.None);

        await using var connection = await OpenAsCloneAsync();
        var tables = await MySqlProbe.ColumnAsync(connection,
            "SELECT CONCAT(TABLE_NAME, ' ', TABLE_COLLATION) FROM information_schema.TABLES " +
            $"WHERE TABLE_SCHEMA = '{_name}' ORDER BY TABLE_NAME");
        Assert.Equal(
            ["chats", "invoices", "messages", "payments", "subscriptions", "users"],
            tables.Select(t => t.Split(' ')[0]));
        Assert.All(tables, t => Assert.EndsWith(" utf8mb4_unicode_ci", t));
        await ExecuteAsync(connection, """
            INSERT INTO users (external_id, display_name) VALUES ('42', 'Ана 🤖');
            INSERT INTO chats (user_id, external_id) VALUES (LAST_INSERT_ID(), 'c42');
            INSERT INTO messages (chat_id, direction, body) VALUES (LAST_INSERT_ID(), 'in', '👋');
            INSERT INTO subscriptions (user_id, plan, status, price_cents)
                SELECT id, 'pro', 'active', 49900 FROM users WHERE external_id = '42';
            INSERT INTO invoices (subscription_id, number, amount_cents, period_start, period_end)
                VALUES (LAST_INSERT_ID(), 'INV-1', 49900, '2026-01-01', '2026-01-31');
            INSERT INTO payments (invoice_id, provider, provider_ref, amount_cents, status)
                VALUES (LAST_INSERT_ID(), 'test', 'p-1', 49900, 'succeeded');
            """);
        Assert.Equal(["Ана 🤖"], await MySqlProbe.ColumnAsync(connection, "SELECT display_name FROM users"));
        Assert.Equal(["👋"], await MySqlProbe.ColumnAsync(connection, "SELECT body FROM messages"));
    }

    private async Task<MySqlConnection> OpenAsCloneAsync()
    {
        var builder = new MySqlConnectionStringBuilder(TestServerEnvironment.MySqlAdmin)
        {
            UserID = _name,
            Password = Password,
            Database = _name,
            Pooling = false,
        };
        var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
