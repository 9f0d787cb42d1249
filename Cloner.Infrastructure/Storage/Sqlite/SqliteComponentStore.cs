using Cloner.Domain.Processes;
using Cloner.Domain.Storage;

namespace Cloner.Infrastructure.Storage.Sqlite;

internal sealed class SqliteComponentStore(SqliteStore store) : IComponentStore
{
    public async Task UpsertAsync(ComponentRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection.Command(
                """
                INSERT INTO components (
                    clone_name, component, state, wanted_running, pid, process_start_ticks,
                    command_line, started_at, exit_code, restarts, message, updated_at)
                VALUES (
                    @clone, @component, @state, @wanted, @pid, @ticks,
                    @command_line, @started_at, @exit_code, @restarts, @message, @updated_at)
                ON CONFLICT (clone_name, component) DO UPDATE SET
                    state = excluded.state,
                    wanted_running = excluded.wanted_running,
                    pid = excluded.pid,
                    process_start_ticks = excluded.process_start_ticks,
                    command_line = excluded.command_line,
                    started_at = excluded.started_at,
                    exit_code = excluded.exit_code,
                    restarts = excluded.restarts,
                    message = excluded.message,
                    updated_at = excluded.updated_at;
                """,
                ("@clone", record.CloneName),
                ("@component", record.Component),
                ("@state", record.State.ToString()),
                ("@wanted", record.WantedRunning),
                ("@pid", record.Pid),
                ("@ticks", record.ProcessStartTicks),
                ("@command_line", record.CommandLine),
                ("@started_at", SqliteValues.Time(record.StartedAt)),
                ("@exit_code", record.ExitCode),
                ("@restarts", record.Restarts),
                ("@message", record.Message),
                ("@updated_at", SqliteValues.Time(record.UpdatedAt)))
            .ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ComponentRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var reader = await connection.Command(
                """
                SELECT clone_name, component, state, wanted_running, pid, process_start_ticks,
                       command_line, started_at, exit_code, restarts, message, updated_at
                FROM components ORDER BY clone_name, component;
                """)
            .ExecuteReaderAsync(cancellationToken);
        var records = new List<ComponentRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new ComponentRecord
            {
                CloneName = reader.GetString(0),
                Component = reader.GetString(1),
                State = SqliteValues.ReadEnum<ComponentState>(reader, 2),
                WantedRunning = reader.GetBoolean(3),
                Pid = SqliteValues.ReadIntOrNull(reader, 4),
                ProcessStartTicks = SqliteValues.ReadLongOrNull(reader, 5),
                CommandLine = SqliteValues.ReadStringOrNull(reader, 6),
                StartedAt = SqliteValues.ReadTimeOrNull(reader, 7),
                ExitCode = SqliteValues.ReadIntOrNull(reader, 8),
                Restarts = reader.GetInt32(9),
                Message = SqliteValues.ReadStringOrNull(reader, 10),
                UpdatedAt = SqliteValues.ReadTime(reader, 11),
            });
        }

        return records;
    }

    public async Task DeleteAsync(string clone, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection
            .Command("DELETE FROM components WHERE clone_name = @clone;", ("@clone", clone))
            .ExecuteNonQueryAsync(cancellationToken);
    }
}
