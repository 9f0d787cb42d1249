namespace Cloner.Domain.Provisioning;

/// <summary>Creates and drops a clone's MySQL database and user.</summary>
public interface IDatabaseProvisioner
{
    /// <summary>Why the database steps are skipped, or null when MySQL is configured.</summary>
    string? NotConfiguredReason { get; }

    /// <summary>Where a clone reaches the server: <c>db.host</c> and <c>db.port</c>.</summary>
    DatabaseEndpoint Endpoint { get; }

    /// <summary>
    /// Creates the database (utf8mb4) and the user, and grants the user that database only.
    /// Refuses with a <see cref="ProvisioningException"/> when either already exists, so a
    /// clone never takes over what it did not make. Reports what it made even when it fails
    /// half way, through <paramref name="made"/>.
    /// </summary>
    Task CreateAsync(
        string database,
        string user,
        string password,
        Action<DatabaseMade> made,
        CancellationToken cancellationToken);

    /// <summary>Runs the blueprint's schema in the clone's database, signed in as its user.</summary>
    Task RunSchemaAsync(
        string database,
        string user,
        string password,
        string schemaSql,
        CancellationToken cancellationToken);

    /// <summary>Drops the user and the database when they exist; does nothing otherwise.</summary>
    Task DropAsync(string database, string user, bool dropDatabase, bool dropUser,
        CancellationToken cancellationToken);

    /// <summary>Whether the database and the user exist, for checks and recovery.</summary>
    Task<(bool Database, bool User)> ExistsAsync(string database, string user,
        CancellationToken cancellationToken);
}

public sealed record DatabaseEndpoint(string Host, int Port);

public enum DatabaseMade
{
    Database,
    User,
}
