using Cloner.Domain.Provisioning;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Provisioning;

// PLACEHOLDER: replaced by the real MySqlConnector implementation.
public sealed class MySqlDatabaseProvisioner(ClonerOptions options, ILogger<MySqlDatabaseProvisioner> logger)
    : IDatabaseProvisioner
{
    public string? NotConfiguredReason => throw new NotImplementedException($"{options}{logger}");

    public DatabaseEndpoint Endpoint => throw new NotImplementedException();

    public Task CreateAsync(string database, string user, string password, Action<DatabaseMade> made,
        CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task RunSchemaAsync(string database, string user, string password, string schemaSql,
        CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task DropAsync(string database, string user, bool dropDatabase, bool dropUser,
        CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<(bool Database, bool User)> ExistsAsync(string database, string user,
        CancellationToken cancellationToken) => throw new NotImplementedException();
}
