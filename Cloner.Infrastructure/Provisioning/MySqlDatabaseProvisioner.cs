using System.Text.RegularExpressions;
using Cloner.Domain.Clones;
using Cloner.Domain.Provisioning;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// Creates a clone's database and user through the admin account of
/// <c>ConnectionStrings:MySqlAdmin</c>. Identifiers are checked against a strict pattern and
/// then backtick-quoted; the password is a parameter and the user's host an escaped literal.
/// </summary>
public sealed partial class MySqlDatabaseProvisioner(
    ClonerOptions options,
    ILogger<MySqlDatabaseProvisioner> logger)
    : IDatabaseProvisioner
{
    private const string AdminKey = "ConnectionStrings:MySqlAdmin";
    private const int MinimumPasswordLength = 32;

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex IdentifierPattern();

    public string? NotConfiguredReason =>
        options.MySqlAdminConnectionString is null ? $"{AdminKey} is not set" : null;

    /// <summary>
    /// The server named by the admin connection string (its first host when it lists several);
    /// an empty host and port 0 when MySQL is not configured or the string cannot be read.
    /// </summary>
    public DatabaseEndpoint Endpoint
    {
        get
        {
            if (options.MySqlAdminConnectionString is not { } text
                || TryRead(text) is not { } admin)
            {
                return new DatabaseEndpoint("", 0);
            }

            var host = admin.Server.Split(',')[0].Trim();
            return new DatabaseEndpoint(host, (int)admin.Port);
        }
    }

    public async Task CreateAsync(
        string database,
        string user,
        string password,
        Action<DatabaseMade> made,
        CancellationToken cancellationToken)
    {
        var db = DatabaseIdentifier(database);
        var account = Account(user);
        if (password.Length < MinimumPasswordLength)
        {
            throw new ArgumentException(
                $"the password of {user} must be at least {MinimumPasswordLength} characters long",
                nameof(password));
        }

        await using var connection = await OpenAdminAsync(cancellationToken).ConfigureAwait(false);
        var (databaseExists, userExists) =
            await ExistsAsync(connection, database, user, cancellationToken).ConfigureAwait(false);
        if (databaseExists)
        {
            throw new ProvisioningException(
                $"the MySQL database {database} exists already and Cloner did not make it " +
                "for this clone; drop it yourself if it is not needed, or pick another clone " +
                "name");
        }

        if (userExists)
        {
            throw new ProvisioningException(
                $"the MySQL user {user}@{options.MySqlClientHost} exists already and Cloner " +
                "did not make it for this clone; drop it yourself if it is not needed, or pick " +
                "another clone name");
        }

        await ExecuteAsync(connection, $"creating database {database}",
            $"CREATE DATABASE {db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            password, cancellationToken).ConfigureAwait(false);
        made(DatabaseMade.Database);

        await ExecuteAsync(connection, $"creating user {user}",
            $"CREATE USER {account} IDENTIFIED BY @password", password, cancellationToken)
            .ConfigureAwait(false);
        made(DatabaseMade.User);

        await ExecuteAsync(connection, $"granting {user} its database",
            $"GRANT ALL PRIVILEGES ON {GrantPattern(database)}.* TO {account}",
            password, cancellationToken).ConfigureAwait(false);

        logger.LogInformation(
            "Created MySQL database {Database} and user {User}@{ClientHost}, granted it only",
            database, user, options.MySqlClientHost);
    }

    public async Task RunSchemaAsync(
        string database,
        string user,
        string password,
        string schemaSql,
        CancellationToken cancellationToken)
    {
        DatabaseIdentifier(database);
        Account(user);
        var admin = ReadAdmin();
        var builder = new MySqlConnectionStringBuilder(admin.ConnectionString)
        {
            UserID = user,
            Password = password,
            Database = database,
            AllowUserVariables = true,
            Pooling = false,
        };

        await using var connection = await OpenAsync(builder, $"user {user}", password,
            cancellationToken).ConfigureAwait(false);
        var statements = SqlScript.Split(schemaSql);
        foreach (var statement in statements)
        {
            await using var command = new MySqlCommand(statement.Text, connection);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException ex) when (IsConnectionLost(connection, ex))
            {
                throw new ProvisioningException(
                    $"the connection to MySQL was lost while the schema statement at line " +
                    $"{statement.Line} ran ({Hide(ex.Message, password)}); check that the " +
                    "server runs, then create the clone again", ex);
            }
            catch (MySqlException ex)
            {
                throw new ProvisioningException(
                    $"the schema statement at line {statement.Line} failed: " +
                    $"{Hide(ex.Message, password)}; fix the blueprint's schema", ex);
            }
        }

        logger.LogInformation("Ran {Count} schema statements in MySQL database {Database}",
            statements.Count, database);
    }

    public async Task DropAsync(string database, string user, bool dropDatabase, bool dropUser,
        CancellationToken cancellationToken)
    {
        var db = DatabaseIdentifier(database);
        var account = Account(user);
        if (!dropDatabase && !dropUser)
        {
            return;
        }

        await using var connection = await OpenAdminAsync(cancellationToken).ConfigureAwait(false);
        if (dropUser)
        {
            await ExecuteAsync(connection, $"dropping user {user}",
                $"DROP USER IF EXISTS {account}", null, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Dropped MySQL user {User}@{ClientHost}", user,
                options.MySqlClientHost);
        }

        if (dropDatabase)
        {
            await ExecuteAsync(connection, $"dropping database {database}",
                $"DROP DATABASE IF EXISTS {db}", null, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Dropped MySQL database {Database}", database);
        }
    }

    public async Task<(bool Database, bool User)> ExistsAsync(string database, string user,
        CancellationToken cancellationToken)
    {
        DatabaseIdentifier(database);
        Account(user);
        await using var connection = await OpenAdminAsync(cancellationToken).ConfigureAwait(false);
        return await ExistsAsync(connection, database, user, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<(bool Database, bool User)> ExistsAsync(
        MySqlConnection connection,
        string database,
        string user,
        CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "SELECT " +
            "(SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @database), " +
            "(SELECT COUNT(*) FROM mysql.user WHERE User = @user AND Host = @host)",
            connection);
        command.Parameters.AddWithValue("@database", database);
        command.Parameters.AddWithValue("@user", user);
        command.Parameters.AddWithValue("@host", options.MySqlClientHost);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken)
                .ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return (reader.GetInt64(0) > 0, reader.GetInt64(1) > 0);
        }
        catch (MySqlException ex)
        {
            throw new ProvisioningException(
                $"cannot check whether database {database} and user {user} exist: {ex.Message}; " +
                $"the account of {AdminKey} needs to read mysql.user", ex);
        }
    }

    private async Task<MySqlConnection> OpenAdminAsync(CancellationToken cancellationToken)
    {
        var admin = ReadAdmin();
        return await OpenAsync(admin, "the admin account", admin.Password, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<MySqlConnection> OpenAsync(
        MySqlConnectionStringBuilder builder,
        string who,
        string? password,
        CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (MySqlException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            var where = $"{builder.Server}:{builder.Port}";
            var reason = Hide(ex.Message, password);
            throw new ProvisioningException(
                ex.ErrorCode == MySqlErrorCode.UnableToConnectToHost
                    ? $"cannot reach MySQL at {where}: {reason}; check {AdminKey} and that the " +
                        "server runs"
                    : $"MySQL at {where} refused {who}: {reason}",
                ex);
        }
    }

    private static async Task ExecuteAsync(
        MySqlConnection connection,
        string doing,
        string sql,
        string? password,
        CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        if (password is not null && sql.Contains("@password", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("@password", password);
        }

        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex)
        {
            throw new ProvisioningException($"{doing} failed: {Hide(ex.Message, password)}", ex);
        }
    }

    private MySqlConnectionStringBuilder ReadAdmin()
    {
        var text = options.MySqlAdminConnectionString
            ?? throw new ProvisioningException($"{AdminKey} is not set");
        return TryRead(text) ?? throw new ProvisioningException(
            $"{AdminKey} is not a MySQL connection string; write it like " +
            "Server=127.0.0.1;Port=3306;User ID=cloner;Password=...");
    }

    private static MySqlConnectionStringBuilder? TryRead(string text)
    {
        try
        {
            return new MySqlConnectionStringBuilder(text);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string DatabaseIdentifier(string database) =>
        Quote(Checked(database, CloneName.DatabaseNameLimit, "database"));

    /// <summary>The quoted <c>`user`@'host'</c> of a clone user.</summary>
    private string Account(string user) =>
        Quote(Checked(user, CloneName.UserNameLimit, "user")) + "@" +
        HostLiteral(options.MySqlClientHost);

    private static string Checked(string identifier, int limit, string what)
    {
        if (identifier.Length > limit || !IdentifierPattern().IsMatch(identifier))
        {
            throw new ArgumentException(
                $"'{identifier}' is not a MySQL {what} name Cloner makes: it must match " +
                $"^[a-z][a-z0-9_]*$ and be at most {limit} characters long", what);
        }

        return identifier;
    }

    private static string Quote(string identifier) => $"`{identifier.Replace("`", "``")}`";

    // In GRANT ... ON db.*, '_' and '%' are wildcards: bot_1 would also match botx1.
    private static string GrantPattern(string database) => Quote(database.Replace("_", "\\_"));

    private static string HostLiteral(string host) =>
        "'" + host.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    /// <summary>
    /// Whether a statement failed because the server went away, not because of its SQL: the
    /// connection is no longer open, or the error is one MySqlConnector raises for a broken
    /// session rather than one the server sent.
    /// </summary>
    private static bool IsConnectionLost(MySqlConnection connection, MySqlException ex) =>
        connection.State != System.Data.ConnectionState.Open
        || ex.ErrorCode is MySqlErrorCode.UnableToConnectToHost
            or MySqlErrorCode.QueryInterrupted
        || ex.InnerException is IOException or System.Net.Sockets.SocketException;

    private static string Hide(string message, string? password) =>
        string.IsNullOrEmpty(password) ? message : message.Replace(password, "***");
}
