using System.Text.Json;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Infrastructure.Local.Sqlite;
using Microsoft.Data.Sqlite;

namespace ImagingGateway.Infrastructure.Local.Workflow;

/// <summary>The executions of the in-process workflow, one row each, rewritten at every state transition.</summary>
internal sealed class SqliteWorkflowExecutionStore
{
    private const string Table = "workflow_executions";
    private const string Columns =
        "name, executionId, status, currentState, stateJson, quotaAttempts, transientAttempts, nextRunAt, startedAt, updatedAt, stoppedAt, error, cause";

    private const string Schema = $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            name TEXT NOT NULL PRIMARY KEY,
            executionId TEXT NOT NULL,
            status TEXT NOT NULL,
            currentState TEXT NOT NULL,
            stateJson TEXT NOT NULL,
            quotaAttempts INTEGER NOT NULL DEFAULT 0,
            transientAttempts INTEGER NOT NULL DEFAULT 0,
            nextRunAt TEXT NOT NULL,
            startedAt TEXT NOT NULL,
            updatedAt TEXT NOT NULL,
            stoppedAt TEXT NULL,
            error TEXT NULL,
            cause TEXT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_{Table}_status ON {Table} (status, nextRunAt);
        """;

    private readonly SqliteSchema _schema;

    public SqliteWorkflowExecutionStore(SqliteDatabase database)
    {
        _schema = new SqliteSchema(database, Schema);
    }

    /// <summary>Inserts the execution unless one with that name exists; returns whether it was inserted.</summary>
    public async Task<bool> InsertIfAbsentAsync(WorkflowExecutionInfo e, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO {Table} ({Columns})
            VALUES (@name, @executionId, @status, @currentState, @stateJson, @quotaAttempts, @transientAttempts, @nextRunAt,
                    @startedAt, @updatedAt, @stoppedAt, @error, @cause)
            ON CONFLICT (name) DO NOTHING;
            """;
        Bind(command, e);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Writes the execution's new position, only while it is still running.</summary>
    public async Task<bool> UpdateAsync(WorkflowExecutionInfo e, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE {Table} SET status = @status, currentState = @currentState, stateJson = @stateJson,
                quotaAttempts = @quotaAttempts, transientAttempts = @transientAttempts, nextRunAt = @nextRunAt,
                updatedAt = @updatedAt, stoppedAt = @stoppedAt, error = @error, cause = @cause
            WHERE name = @name AND status = 'RUNNING';
            """;
        Bind(command, e);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<WorkflowExecutionInfo?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM {Table} WHERE name = @name;";
        command.Parameters.AddWithValue("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<string>> ListRunningAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM {Table} WHERE status = 'RUNNING' ORDER BY nextRunAt;";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Whether an execution of that name exists (running or finished).</summary>
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT 1 FROM {Table} WHERE name = @name;";
        command.Parameters.AddWithValue("@name", name);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private static void Bind(SqliteCommand command, WorkflowExecutionInfo e)
    {
        command.Parameters.AddWithValue("@name", e.Name);
        command.Parameters.AddWithValue("@executionId", e.ExecutionId);
        command.Parameters.AddWithValue("@status", e.Status);
        command.Parameters.AddWithValue("@currentState", e.CurrentState);
        command.Parameters.AddWithValue("@stateJson", JsonSerializer.Serialize(e.State, ApplicationJsonContext.Default.ImportState));
        command.Parameters.AddWithValue("@quotaAttempts", e.QuotaAttempts);
        command.Parameters.AddWithValue("@transientAttempts", e.TransientAttempts);
        command.Parameters.AddWithValue("@nextRunAt", SqliteTime.Format(e.NextRunAt));
        command.Parameters.AddWithValue("@startedAt", SqliteTime.Format(e.StartedAt));
        command.Parameters.AddWithValue("@updatedAt", SqliteTime.Format(e.UpdatedAt));
        command.Parameters.AddWithValue("@stoppedAt", SqliteTime.FormatOrNull(e.StoppedAt));
        command.Parameters.AddWithValue("@error", (object?)e.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("@cause", (object?)e.Cause ?? DBNull.Value);
    }

    private static WorkflowExecutionInfo Read(SqliteDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var state = JsonSerializer.Deserialize(r.GetString(4), ApplicationJsonContext.Default.ImportState)
            ?? throw new InvalidDataException($"execution {r.GetString(0)} has no state");
        return new WorkflowExecutionInfo(
            Name: r.GetString(0),
            ExecutionId: r.GetString(1),
            Status: r.GetString(2),
            CurrentState: r.GetString(3),
            State: state,
            QuotaAttempts: r.GetInt32(5),
            TransientAttempts: r.GetInt32(6),
            NextRunAt: SqliteTime.Parse(r.GetString(7)),
            StartedAt: SqliteTime.Parse(r.GetString(8)),
            UpdatedAt: SqliteTime.Parse(r.GetString(9)),
            StoppedAt: Text(10) is { } stopped ? SqliteTime.Parse(stopped) : null,
            Error: Text(11),
            Cause: Text(12));
    }
}
