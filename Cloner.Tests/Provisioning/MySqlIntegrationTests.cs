using Cloner.Domain.Provisioning;
using Cloner.Infrastructure.Provisioning;
using Cloner.Infrastructure;
using Cloner.Tests.TestHost;
using Cloner.Tests.TestServers;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace Cloner.Tests.Provisioning;

/// <summary>The provisioner against the private MariaDB of scripts/test-servers.sh.</summary>
public sealed class MySqlIntegrationTests : IAsyncLifetime
{
    private const string Password = "Pw0123456789abcdefghijABCDEFGHIJklmnop";

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _made = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_made.Count == 0)
        {
            return;
        }

        var provisioner = Provisioner();
        foreach (var name in _made)
        {
            await provisioner.DropAsync(name, name, true, true, CancellationToken.None);
        }
    }

    [SkippableFact]
    public async Task Create_NewNames_MakesDatabaseAndUserThatCanUseIt()
    {
        TestServerEnvironment.SkipUnlessMySql();
        var provisioner = Provisioner();
        var name = Name("c");
        var made = new List<DatabaseMade>();

        await provisioner.CreateAsync(name, name, Password, made.Add, CancellationToken.None);

        Assert.Equal([DatabaseMade.Database, DatabaseMade.User], made);
        Assert.Equal((true, true),
            await provisioner.ExistsAsync(name, name, CancellationToken.None));
        await using var connection = await OpenAsUserAsync(name, name);
        await Execute(connection, "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10))");
        await Execute(connection, "INSERT INTO t VALUES (1, 'ü')");
        Assert.Equal("utf8mb4", await Scalar(connection,
            "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA " +
            $"WHERE SCHEMA_NAME = '{name}'"));
    }

    [SkippableFact]
    public async Task Create_TwoClones_EachUserSeesAndUsesOnlyItsOwnDatabase()
    {
        TestServerEnvironment.SkipUnlessMySql();
        var provisioner = Provisioner();
        // "_" is a wildcard in GRANT: an unescaped grant on pt..._1 would also cover pt...x1.
        var first = Name("_1");
        var second = Name("x1");
        await provisioner.CreateAsync(first, first, Password, _ => { }, CancellationToken.None);
        await provisioner.CreateAsync(second, second, Password, _ => { }, CancellationToken.None);

        await using var connection = await OpenAsUserAsync(first, first);
        var visible = await MySqlProbe.ColumnAsync(connection, "SHOW DATABASES");

        Assert.Contains(first, visible);
        Assert.DoesNotContain(second, visible);
        await Assert.ThrowsAsync<MySqlException>(() =>
            Execute(connection, $"CREATE TABLE `{second}`.t (id INT)"));
        await Assert.ThrowsAsync<MySqlException>(() => OpenAsUserAsync(first, second));
    }

    [SkippableFact]
    public async Task Drop_MadeDatabaseAndUser_RemovesBoth()
    {
        TestServerEnvironment.SkipUnlessMySql();
        var provisioner = Provisioner();
        var name = Name("d");
        await provisioner.CreateAsync(name, name, Password, _ => { }, CancellationToken.None);

        await provisioner.DropAsync(name, name, true, true, CancellationToken.None);

        Assert.Equal((false, false),
            await provisioner.ExistsAsync(name, name, CancellationToken.None));
        await Assert.ThrowsAsync<MySqlException>(() => OpenAsUserAsync(name, name));
    }

    [SkippableFact]
    public async Task Create_DatabaseExistsAlready_IsRefusedAndLeftAlone()
    {
        TestServerEnvironment.SkipUnlessMySql();
        var provisioner = Provisioner();
        var name = Name("e");
        await using (var admin = await OpenAdminAsync())
        {
            await Execute(admin, $"CREATE DATABASE `{name}`");
            await Execute(admin, $"CREATE TABLE `{name}`.precious (id INT)");
        }

        var made = new List<DatabaseMade>();
        var ex = await Assert.ThrowsAsync<ProvisioningException>(() =>
            provisioner.CreateAsync(name, name, Password, made.Add, CancellationToken.None));

        Assert.Contains($"database {name} exists already", ex.Message, StringComparison.Ordinal);
        Assert.Empty(made);
        Assert.Equal((true, false),
            await provisioner.ExistsAsync(name, name, CancellationToken.None));
        await using var check = await OpenAdminAsync();
        Assert.Equal(["precious"],
            await MySqlProbe.ColumnAsync(check, $"SHOW TABLES FROM `{name}`"));
    }

    [SkippableFact]
    public async Task RunSchema_ConnectionKilledHalfWay_SaysTheConnectionWasLost()
    {
        // Seen with MySQL killed during a create: the step said "fix the blueprint's schema",
        // sending the operator to a schema that was fine.
        TestServerEnvironment.SkipUnlessMySql();
        var provisioner = Provisioner();
        var name = Name("k");
        await provisioner.CreateAsync(name, name, Password, _ => { }, CancellationToken.None);
        const string schema = """
            CREATE TABLE users (id INT PRIMARY KEY);
            SELECT SLEEP(20);
            CREATE TABLE never (id INT);
            """;

        var run = provisioner.RunSchemaAsync(name, name, Password, schema, CancellationToken.None);
        await KillConnectionsOfAsync(name);
        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => run);

        Assert.Contains("connection to MySQL", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("fix the blueprint's schema", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunSchema_StatementFailingHalfWay_ThrowsNamingItsLine()
    {
        TestServerEnvironment.SkipUnlessMySql();
        var provisioner = Provisioner();
        var name = Name("s");
        await provisioner.CreateAsync(name, name, Password, _ => { }, CancellationToken.None);
        const string schema = """
            -- the sample's tables
            CREATE TABLE users (id INT PRIMARY KEY);
            SET @greeting = 'hi; there';
            INSERT INTO no_such_table VALUES (1);
            CREATE TABLE never (id INT);
            """;

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() =>
            provisioner.RunSchemaAsync(name, name, Password, schema, CancellationToken.None));

        Assert.Contains("line 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_table", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.Message, StringComparison.Ordinal);
        await using var connection = await OpenAsUserAsync(name, name);
        Assert.Equal(["users"], await MySqlProbe.ColumnAsync(connection, "SHOW TABLES"));
    }

    [SkippableFact]
    public async Task RunSchema_ValidScript_CreatesTheTablesAsTheCloneUser()
    {
        TestServerEnvironment.SkipUnlessMySql();
        var provisioner = Provisioner();
        var name = Name("v");
        await provisioner.CreateAsync(name, name, Password, _ => { }, CancellationToken.None);

        await provisioner.RunSchemaAsync(name, name, Password,
            "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\nINSERT INTO a VALUES (1);",
            CancellationToken.None);

        await using var connection = await OpenAsUserAsync(name, name);
        Assert.Equal(["a", "b"], (await MySqlProbe.ColumnAsync(connection, "SHOW TABLES")).Order());
        Assert.Equal(1L, Convert.ToInt64(await Scalar(connection, "SELECT COUNT(*) FROM a"),
            System.Globalization.CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public void Endpoint_AdminConnectionString_GivesItsHostAndPort()
    {
        TestServerEnvironment.SkipUnlessMySql();

        var endpoint = Provisioner().Endpoint;

        Assert.Equal(new DatabaseEndpoint(TestServerEnvironment.MySqlHost,
            TestServerEnvironment.MySqlPort), endpoint);
    }

    private string Name(string role)
    {
        var name = $"pt{_suffix}{role}";
        _made.Add(name);
        return name;
    }

    private static MySqlDatabaseProvisioner Provisioner() => new(new ClonerOptions
    {
        DataDir = Path.GetTempPath(),
        ClonesRoot = Path.Combine(Path.GetTempPath(), "cloner-prov-bots"),
        BlueprintsDir = Path.GetTempPath(),
        MySqlAdminConnectionString = TestServerEnvironment.MySqlAdmin,
        MySqlClientHost = TestServerEnvironment.MySqlClientHost,
    }, NullLogger<MySqlDatabaseProvisioner>.Instance);

    /// <summary>Waits until the user runs a query, then kills that user's connections.</summary>
    private static async Task KillConnectionsOfAsync(string user)
    {
        await using var admin = await OpenAdminAsync();
        for (var i = 0; i < 100; i++)
        {
            await using var find = new MySqlCommand(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = @user " +
                "AND INFO LIKE 'SELECT SLEEP%'", admin);
            find.Parameters.AddWithValue("@user", user);
            if (await find.ExecuteScalarAsync() is { } id)
            {
                await Execute(admin, $"KILL CONNECTION {Convert.ToInt64(id)}");
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"user {user} never ran the SLEEP statement");
    }

    private static async Task<MySqlConnection> OpenAdminAsync()
    {
        var connection = new MySqlConnection(TestServerEnvironment.MySqlAdmin);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<MySqlConnection> OpenAsUserAsync(string user, string database)
    {
        var builder = new MySqlConnectionStringBuilder(TestServerEnvironment.MySqlAdmin)
        {
            UserID = user,
            Password = Password,
            Database = database,
            Pooling = false,
        };
        var connection = new MySqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task Execute(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
