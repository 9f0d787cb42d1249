using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using Microsoft.Data.Sqlite;

namespace Cloner.Infrastructure.Storage.Sqlite;

internal sealed class SqliteStepEventStore(SqliteStore store) : IStepEventStore
{
    internal const string SelectAll = """
        SELECT clone_name, sequence, operation, step, kind, message, duration_ms, at
        FROM step_events
        """;

    public async Task AppendAsync(StepEvent stepEvent, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        try
        {
            await connection.Command(
                    """
                    INSERT INTO step_events
                        (clone_name, sequence, operation, step, kind, message, duration_ms, at)
                    VALUES (@clone, @sequence, @operation, @step, @kind, @message, @duration, @at);
                    """,
                    ("@clone", stepEvent.CloneName),
                    ("@sequence", stepEvent.Sequence),
                    ("@operation", stepEvent.Operation),
                    ("@step", stepEvent.Step),
                    ("@kind", stepEvent.Kind.ToString()),
                    ("@message", stepEvent.Message),
                    ("@duration", stepEvent.DurationMs),
                    ("@at", SqliteValues.Time(stepEvent.At)))
                .ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (SqliteValues.IsConstraintViolation(e))
        {
            throw new InvalidOperationException(
                $"Clone '{stepEvent.CloneName}' already has a step event with sequence "
                + $"{stepEvent.Sequence}; each event needs a sequence of its own.",
                e);
        }
    }

    public async Task<IReadOnlyList<StepEvent>> ListAsync(
        string clone,
        CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await ReadAsync(
            connection.Command(
                SelectAll + " WHERE clone_name = @clone ORDER BY sequence;",
                ("@clone", clone)),
            cancellationToken);
    }

    public async Task DeleteAsync(string clone, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection
            .Command("DELETE FROM step_events WHERE clone_name = @clone;", ("@clone", clone))
            .ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<IReadOnlyList<StepEvent>> ReadAsync(
        SqliteCommand command,
        CancellationToken cancellationToken)
    {
        var events = new List<StepEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new StepEvent(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                SqliteValues.ReadEnum<StepEventKind>(reader, 4),
                reader.GetString(5),
                SqliteValues.ReadLongOrNull(reader, 6),
                SqliteValues.ReadTime(reader, 7)));
        }

        return events;
    }
}
