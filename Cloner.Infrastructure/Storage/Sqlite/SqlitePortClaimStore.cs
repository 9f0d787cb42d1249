using Cloner.Domain.Storage;
using Microsoft.Data.Sqlite;

namespace Cloner.Infrastructure.Storage.Sqlite;

internal sealed class SqlitePortClaimStore(SqliteStore store) : IPortClaimStore
{
    public async Task<bool> TryClaimAsync(PortClaim claim, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        try
        {
            await connection.Command(
                    """
                    INSERT INTO port_claims (port, clone_name, slot)
                    VALUES (@port, @clone, @slot);
                    """,
                    ("@port", claim.Port),
                    ("@clone", claim.CloneName),
                    ("@slot", claim.Slot))
                .ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (SqliteException e) when (SqliteValues.IsConstraintViolation(e))
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<PortClaim>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var reader = await connection
            .Command("SELECT port, clone_name, slot FROM port_claims ORDER BY port;")
            .ExecuteReaderAsync(cancellationToken);
        var claims = new List<PortClaim>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claims.Add(new PortClaim(reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        return claims;
    }

    public async Task ReleaseAsync(string clone, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection
            .Command("DELETE FROM port_claims WHERE clone_name = @clone;", ("@clone", clone))
            .ExecuteNonQueryAsync(cancellationToken);
    }
}
