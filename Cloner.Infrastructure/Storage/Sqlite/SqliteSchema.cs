namespace Cloner.Infrastructure.Storage.Sqlite;

/// <summary>
/// The tables of the embedded store. A new version is a new script added after the last one,
/// applied once by <see cref="SqliteStore"/> and recorded in schema_version.
/// </summary>
internal static class SqliteSchema
{
    public const string VersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER NOT NULL PRIMARY KEY,
            applied_at TEXT    NOT NULL
        );
        """;

    public const string Version1 = """
        CREATE TABLE clones (
            name          TEXT    NOT NULL PRIMARY KEY,
            blueprint     TEXT    NOT NULL,
            number        INTEGER NOT NULL,
            status        TEXT    NOT NULL,
            status_reason TEXT,
            inputs        TEXT    NOT NULL,
            ports         TEXT    NOT NULL,
            folder        TEXT    NOT NULL,
            database_name TEXT,
            database_user TEXT,
            made          TEXT    NOT NULL,
            created_at    TEXT    NOT NULL,
            updated_at    TEXT    NOT NULL
        );

        CREATE TABLE port_claims (
            port       INTEGER NOT NULL PRIMARY KEY,
            clone_name TEXT    NOT NULL,
            slot       TEXT    NOT NULL
        );
        CREATE INDEX port_claims_by_clone ON port_claims (clone_name);

        CREATE TABLE step_events (
            clone_name  TEXT    NOT NULL,
            sequence    INTEGER NOT NULL,
            operation   TEXT    NOT NULL,
            step        TEXT    NOT NULL,
            kind        TEXT    NOT NULL,
            message     TEXT    NOT NULL,
            duration_ms INTEGER,
            at          TEXT    NOT NULL,
            PRIMARY KEY (clone_name, sequence)
        );

        CREATE TABLE components (
            clone_name          TEXT    NOT NULL,
            component           TEXT    NOT NULL,
            state               TEXT    NOT NULL,
            wanted_running      INTEGER NOT NULL,
            pid                 INTEGER,
            process_start_ticks INTEGER,
            command_line        TEXT,
            started_at          TEXT,
            exit_code           INTEGER,
            restarts            INTEGER NOT NULL,
            message             TEXT,
            updated_at          TEXT    NOT NULL,
            PRIMARY KEY (clone_name, component)
        );

        CREATE TABLE users (
            id                   TEXT    NOT NULL PRIMARY KEY,
            user_name            TEXT    NOT NULL,
            normalized_user_name TEXT    NOT NULL UNIQUE,
            password_hash        TEXT,
            security_stamp       TEXT,
            concurrency_stamp    TEXT,
            lockout_enabled      INTEGER NOT NULL,
            lockout_end          TEXT,
            access_failed_count  INTEGER NOT NULL,
            roles                TEXT    NOT NULL,
            created_at           TEXT    NOT NULL
        );

        CREATE TABLE audit (
            id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            at         TEXT    NOT NULL,
            user_name  TEXT    NOT NULL,
            action     TEXT    NOT NULL,
            clone_name TEXT,
            detail     TEXT
        );
        CREATE INDEX audit_by_time ON audit (at);
        """;

    /// <summary>The tables that hold data (all but schema_version), for clearing.</summary>
    public static readonly string[] DataTables =
        ["clones", "port_claims", "step_events", "components", "users", "audit"];
}
