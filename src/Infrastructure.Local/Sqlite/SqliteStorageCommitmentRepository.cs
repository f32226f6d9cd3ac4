using System.Globalization;
using System.Text;
using ImagingGateway.Application.Common.Ports;
using Microsoft.Data.Sqlite;

namespace ImagingGateway.Infrastructure.Local.Sqlite;

/// <summary>
/// Storage commitment requests in SQLite: table <c>commitments</c> of the gateway database, one row per Transaction
/// UID. The referenced instances and their decisions are one text column, a line per instance
/// (<c>class|instance|decided|reason|batch</c>; UIDs and batch ids never hold '|'). Commits are fsynced (the
/// database's default), since a request lost here is a report never sent.
/// </summary>
public sealed class SqliteStorageCommitmentRepository(SqliteDatabase database) : IStorageCommitmentRepository
{
    public const string TableName = "commitments";

    private const string Columns =
        "transactionUID, callingAeTitle, calledAeTitle, associationId, requestedAt, items, state, nextAttemptAt, attempts, reportedAt, reportedVia, lastError";

    private const string Schema = $"""
        CREATE TABLE IF NOT EXISTS {TableName} (
            transactionUID TEXT NOT NULL PRIMARY KEY,
            callingAeTitle TEXT NOT NULL,
            calledAeTitle TEXT NOT NULL,
            associationId TEXT NOT NULL,
            requestedAt TEXT NOT NULL,
            items TEXT NOT NULL,
            state TEXT NOT NULL,
            nextAttemptAt TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            reportedAt TEXT NULL,
            reportedVia TEXT NULL,
            lastError TEXT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_{TableName}_due ON {TableName} (state, nextAttemptAt);
        """;

    private readonly SqliteSchema _schema = new(database, Schema);

    /// <summary>Creates the table unless it exists (the host calls this at start; every other call does it too).</summary>
    public Task EnsureCreatedAsync() => _schema.EnsureCreatedAsync();

    public async Task<bool> TryAddAsync(StorageCommitmentRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO {TableName} ({Columns}) VALUES (@transactionUID, @callingAeTitle, @calledAeTitle, @associationId,
                @requestedAt, @items, @state, @nextAttemptAt, @attempts, @reportedAt, @reportedVia, @lastError)
            ON CONFLICT (transactionUID) DO NOTHING;
            """;
        Bind(command, record);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<StorageCommitmentRecord?> FindAsync(string transactionUid, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM {TableName} WHERE transactionUID = @uid;";
        command.Parameters.AddWithValue("@uid", transactionUid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<StorageCommitmentRecord>> ListDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM {TableName} WHERE state = @state AND nextAttemptAt <= @dueBy
            ORDER BY nextAttemptAt, transactionUID LIMIT @take;
            """;
        command.Parameters.AddWithValue("@state", StorageCommitmentState.Pending.ToString());
        command.Parameters.AddWithValue("@dueBy", SqliteTime.Format(dueBy));
        command.Parameters.AddWithValue("@take", limit);
        var due = new List<StorageCommitmentRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add(Read(reader));
        }

        return due;
    }

    public async Task<bool> TryClaimAsync(string transactionUid, DateTimeOffset expectedNextAttemptAt, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE {TableName} SET nextAttemptAt = @claimUntil
            WHERE transactionUID = @uid AND state = @state AND nextAttemptAt = @expected;
            """;
        command.Parameters.AddWithValue("@uid", transactionUid);
        command.Parameters.AddWithValue("@state", StorageCommitmentState.Pending.ToString());
        command.Parameters.AddWithValue("@expected", SqliteTime.Format(expectedNextAttemptAt));
        command.Parameters.AddWithValue("@claimUntil", SqliteTime.Format(claimUntil));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task UpdateAsync(StorageCommitmentRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE {TableName} SET callingAeTitle = @callingAeTitle, calledAeTitle = @calledAeTitle, associationId = @associationId,
                requestedAt = @requestedAt, items = @items, state = @state, nextAttemptAt = @nextAttemptAt, attempts = @attempts,
                reportedAt = @reportedAt, reportedVia = @reportedVia, lastError = @lastError
            WHERE transactionUID = @transactionUID;
            """;
        Bind(command, record);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            throw new InvalidOperationException($"storage commitment {record.TransactionUid} is not recorded");
        }
    }

    private static void Bind(SqliteCommand command, StorageCommitmentRecord record)
    {
        command.Parameters.AddWithValue("@transactionUID", record.TransactionUid);
        command.Parameters.AddWithValue("@callingAeTitle", record.CallingAeTitle);
        command.Parameters.AddWithValue("@calledAeTitle", record.CalledAeTitle);
        command.Parameters.AddWithValue("@associationId", record.AssociationId);
        command.Parameters.AddWithValue("@requestedAt", SqliteTime.Format(record.RequestedAt));
        command.Parameters.AddWithValue("@items", FormatItems(record.Items));
        command.Parameters.AddWithValue("@state", record.State.ToString());
        command.Parameters.AddWithValue("@nextAttemptAt", SqliteTime.Format(record.NextAttemptAt));
        command.Parameters.AddWithValue("@attempts", record.Attempts);
        command.Parameters.AddWithValue("@reportedAt", SqliteTime.FormatOrNull(record.ReportedAt));
        command.Parameters.AddWithValue("@reportedVia", (object?)record.ReportedVia ?? DBNull.Value);
        command.Parameters.AddWithValue("@lastError", (object?)record.LastError ?? DBNull.Value);
    }

    private static string FormatItems(IReadOnlyList<StorageCommitmentItem> items)
    {
        var text = new StringBuilder();
        foreach (var i in items)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{i.SopClassUid}|{i.SopInstanceUid}|{(i.Decided ? 1 : 0)}|{i.FailureReason?.ToString(CultureInfo.InvariantCulture)}|{i.BatchId}\n");
        }

        return text.ToString();
    }

    private static List<StorageCommitmentItem> ParseItems(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var f = line.Split('|');
            return new StorageCommitmentItem(f[0], f[1], f[2] == "1",
                f[3].Length == 0 ? null : ushort.Parse(f[3], CultureInfo.InvariantCulture), f[4].Length == 0 ? null : f[4]);
        }).ToList();

    private static StorageCommitmentRecord Read(SqliteDataReader r) => new(
        TransactionUid: r.GetString(0),
        CallingAeTitle: r.GetString(1),
        CalledAeTitle: r.GetString(2),
        AssociationId: r.GetString(3),
        RequestedAt: SqliteTime.Parse(r.GetString(4)),
        Items: ParseItems(r.GetString(5)),
        State: Enum.Parse<StorageCommitmentState>(r.GetString(6)),
        NextAttemptAt: SqliteTime.Parse(r.GetString(7)),
        Attempts: r.GetInt32(8),
        ReportedAt: r.IsDBNull(9) ? null : SqliteTime.Parse(r.GetString(9)),
        ReportedVia: r.IsDBNull(10) ? null : r.GetString(10),
        LastError: r.IsDBNull(11) ? null : r.GetString(11));
}
