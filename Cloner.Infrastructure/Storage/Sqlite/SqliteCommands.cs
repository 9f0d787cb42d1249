using Microsoft.Data.Sqlite;

namespace Cloner.Infrastructure.Storage.Sqlite;

internal static class SqliteCommands
{
    /// <summary>A command with its parameters; null values are written as SQL NULL.</summary>
    public static SqliteCommand Command(
        this SqliteConnection connection,
        string sql,
        params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
