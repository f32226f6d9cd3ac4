using System.Globalization;
using ImagingGateway.Application.Common.Ports;
using Microsoft.Data.Sqlite;

namespace ImagingGateway.Infrastructure.Local.Sqlite;

/// <summary>
/// The received-instance index in SQLite: table <c>instances</c> of the gateway database, one row per SOP Instance
/// UID, written once per closed batch in one transaction. A row is replaced only by an instance received at the same
/// time or later (latest wins, as the store overwrites a re-sent instance; a replayed old batch changes nothing).
/// The import outcome lives in the <c>outcome…</c> columns of the same row, cleared when another batch replaces it.
/// The latest storage commitment report per SOP instance lives in table <c>instance_commitments</c>, joined on read:
/// a report may be delivered before the instance's batch is recorded, and recording a batch never touches it.
/// <para>
/// The index is derived from the batch manifests, so its commits are not fsynced (<c>synchronous=NORMAL</c> on the
/// writing connection; in WAL mode a power cut may lose the last commits but never corrupts the file): recording a
/// batch stays cheap even when every instance is its own batch.
/// </para>
/// </summary>
public sealed class SqliteReceivedInstanceIndex : IReceivedInstanceIndex
{
    public const string TableName = "instances";

    public const string CommitmentTableName = "instance_commitments";

    private const string Columns =
        "sopInstanceUID, sopClassUID, studyInstanceUID, seriesInstanceUID, transferSyntaxUID, studyDate, objectKey, size, " +
        "checksum, batchId, batchStudyInstanceUID, receivedAt, callingAeTitle, calledAeTitle";

    private const string OutcomeColumns =
        "outcomeStatus, outcomeJobId, imageSetId, imageSetVersion, failureReason, outcomeRecordedAt";

    private const string Schema = $"""
        CREATE TABLE IF NOT EXISTS {TableName} (
            sopInstanceUID TEXT NOT NULL PRIMARY KEY,
            sopClassUID TEXT NOT NULL,
            studyInstanceUID TEXT NOT NULL,
            seriesInstanceUID TEXT NOT NULL,
            transferSyntaxUID TEXT NOT NULL,
            studyDate TEXT NULL,
            objectKey TEXT NOT NULL,
            size INTEGER NOT NULL,
            checksum TEXT NULL,
            batchId TEXT NOT NULL,
            batchStudyInstanceUID TEXT NOT NULL,
            receivedAt TEXT NOT NULL,
            callingAeTitle TEXT NULL,
            calledAeTitle TEXT NULL,
            outcomeStatus TEXT NULL,
            outcomeJobId TEXT NULL,
            imageSetId TEXT NULL,
            imageSetVersion TEXT NULL,
            failureReason TEXT NULL,
            outcomeRecordedAt TEXT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_{TableName}_study ON {TableName} (studyInstanceUID, receivedAt, sopInstanceUID);
        CREATE TABLE IF NOT EXISTS {CommitmentTableName} (
            sopInstanceUID TEXT NOT NULL PRIMARY KEY,
            transactionUID TEXT NOT NULL,
            failureReason INTEGER NULL,
            reportedAt TEXT NOT NULL
        ) WITHOUT ROWID;
        """;

    private const string Select = $"""
        SELECT i.sopInstanceUID, i.sopClassUID, i.studyInstanceUID, i.seriesInstanceUID, i.transferSyntaxUID, i.studyDate,
            i.objectKey, i.size, i.checksum, i.batchId, i.batchStudyInstanceUID, i.receivedAt, i.callingAeTitle, i.calledAeTitle,
            i.outcomeStatus, i.outcomeJobId, i.imageSetId, i.imageSetVersion, i.failureReason, i.outcomeRecordedAt,
            c.transactionUID, c.failureReason, c.reportedAt
        FROM {TableName} i LEFT JOIN {CommitmentTableName} c ON c.sopInstanceUID = i.sopInstanceUID
        """;

    private static readonly string[] ColumnNames = [.. Columns.Split(", ")];

    private static readonly string[] OutcomeColumnNames = [.. OutcomeColumns.Split(", ")];

    private readonly SqliteSchema _schema;

    public SqliteReceivedInstanceIndex(SqliteDatabase database)
    {
        _schema = new SqliteSchema(database, Schema, UpgradeAsync);
    }

    /// <summary>Brings a table of an earlier version up to date, one transaction per step (a new database has no table yet).</summary>
    private static async Task UpgradeAsync(SqliteConnection connection)
    {
        await RenameSha256Async(connection).ConfigureAwait(false);
        await AddOutcomeColumnsAsync(connection).ConfigureAwait(false);
    }

    /// <summary>
    /// Tables of versions before the <see cref="ObjectChecksum"/> had a column <c>sha256</c> holding bare hex: it is
    /// renamed <c>checksum</c> and its values take the <c>sha256:</c> prefix.
    /// </summary>
    private static async Task RenameSha256Async(SqliteConnection connection)
    {
        if (!await HasColumnAsync(connection, "sha256").ConfigureAwait(false))
        {
            return;
        }

        await ExecuteInTransactionAsync(connection, $"""
            ALTER TABLE {TableName} RENAME COLUMN sha256 TO checksum;
            UPDATE {TableName} SET checksum = '{ObjectChecksum.Sha256Algorithm}:' || checksum
                WHERE checksum IS NOT NULL AND instr(checksum, ':') = 0;
            """).ConfigureAwait(false);
    }

    /// <summary>Tables of versions before import outcomes lack the outcome columns: they are added, empty.</summary>
    private static async Task AddOutcomeColumnsAsync(SqliteConnection connection)
    {
        if (!await HasColumnAsync(connection, "sopInstanceUID").ConfigureAwait(false)
            || await HasColumnAsync(connection, "outcomeStatus").ConfigureAwait(false))
        {
            return;
        }

        await ExecuteInTransactionAsync(
            connection,
            string.Concat(OutcomeColumnNames.Select(c => $"ALTER TABLE {TableName} ADD COLUMN {c} TEXT NULL;"))).ConfigureAwait(false);
    }

    private static async Task<bool> HasColumnAsync(SqliteConnection connection, string column)
    {
        await using var probe = connection.CreateCommand();
        probe.CommandText = $"SELECT count(*) FROM pragma_table_info('{TableName}') WHERE name = @column;";
        probe.Parameters.AddWithValue("@column", column);
        return Convert.ToInt64(await probe.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    private static async Task ExecuteInTransactionAsync(SqliteConnection connection, string sql)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A connection for writing rows derived from durable sources (manifests, job output, commitment records), with synchronous=NORMAL
    /// (see the class comment); per connection, so the next user of this pooled one gets FULL again from SqliteDatabase.
    /// </summary>
    private async Task<SqliteConnection> OpenDerivedWriteAsync(CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates the table unless it exists (the host calls this at start; every other call does it too).</summary>
    public Task EnsureCreatedAsync() => _schema.EnsureCreatedAsync();

    public async Task RecordAsync(IReadOnlyList<ReceivedInstanceRecord> instances, CancellationToken cancellationToken)
    {
        if (instances.Count == 0)
        {
            return;
        }

        await using var connection = await OpenDerivedWriteAsync(cancellationToken).ConfigureAwait(false);

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // The outcome belongs to one receipt: another batch's record starts without one.
        var updates = string.Join(", ", ColumnNames.Skip(1).Select(c => $"{c} = excluded.{c}")
            .Concat(OutcomeColumnNames.Select(c => $"{c} = CASE WHEN excluded.batchId = {TableName}.batchId THEN {TableName}.{c} END")));
        command.CommandText = $"""
            INSERT INTO {TableName} ({Columns})
            VALUES ({string.Join(", ", ColumnNames.Select(c => "@" + c))})
            ON CONFLICT (sopInstanceUID) DO UPDATE SET {updates}
            WHERE excluded.receivedAt >= {TableName}.receivedAt;
            """;
        var parameters = ColumnNames.ToDictionary(c => c, c => command.Parameters.Add("@" + c, SqliteType.Text), StringComparer.Ordinal);
        parameters["size"].SqliteType = SqliteType.Integer;
        command.Prepare();
        foreach (var i in instances)
        {
            parameters["sopInstanceUID"].Value = i.SopInstanceUid;
            parameters["sopClassUID"].Value = i.SopClassUid;
            parameters["studyInstanceUID"].Value = i.StudyInstanceUid;
            parameters["seriesInstanceUID"].Value = i.SeriesInstanceUid;
            parameters["transferSyntaxUID"].Value = i.TransferSyntaxUid;
            parameters["studyDate"].Value = (object?)i.StudyDate ?? DBNull.Value;
            parameters["objectKey"].Value = i.ObjectKey;
            parameters["size"].Value = i.Size;
            parameters["checksum"].Value = (object?)i.Checksum ?? DBNull.Value;
            parameters["batchId"].Value = i.BatchId;
            parameters["batchStudyInstanceUID"].Value = i.BatchStudyInstanceUid;
            parameters["receivedAt"].Value = SqliteTime.Format(i.ReceivedAt);
            parameters["callingAeTitle"].Value = (object?)i.CallingAeTitle ?? DBNull.Value;
            parameters["calledAeTitle"].Value = (object?)i.CalledAeTitle ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<InstanceCommitment>> RecordOutcomesAsync(IReadOnlyList<InstanceImportOutcome> outcomes, CancellationToken cancellationToken)
    {
        var carried = new List<InstanceCommitment>();
        if (outcomes.Count == 0)
        {
            return carried;
        }

        await using var connection = await OpenDerivedWriteAsync(cancellationToken).ConfigureAwait(false);

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            UPDATE {TableName} SET outcomeStatus = @status, outcomeJobId = @job, imageSetId = @imageSet,
                imageSetVersion = @version, failureReason = @reason, outcomeRecordedAt = @at
            WHERE sopInstanceUID = @sop AND batchId = @batch AND (outcomeRecordedAt IS NULL OR outcomeRecordedAt <= @at);
            """;
        var sop = command.Parameters.Add("@sop", SqliteType.Text);
        var batch = command.Parameters.Add("@batch", SqliteType.Text);
        var status = command.Parameters.Add("@status", SqliteType.Text);
        var job = command.Parameters.Add("@job", SqliteType.Text);
        var imageSet = command.Parameters.Add("@imageSet", SqliteType.Text);
        var version = command.Parameters.Add("@version", SqliteType.Text);
        var reason = command.Parameters.Add("@reason", SqliteType.Text);
        var at = command.Parameters.Add("@at", SqliteType.Text);
        command.Prepare();
        await using var find = connection.CreateCommand();
        find.Transaction = transaction;
        find.CommandText = $"SELECT transactionUID, failureReason, reportedAt FROM {CommitmentTableName} WHERE sopInstanceUID = @sop;";
        var findSop = find.Parameters.Add("@sop", SqliteType.Text);
        find.Prepare();
        foreach (var o in outcomes)
        {
            sop.Value = o.SopInstanceUid;
            batch.Value = o.BatchId;
            status.Value = FormatStatus(o.Status);
            job.Value = o.JobId;
            imageSet.Value = (object?)o.ImageSetId ?? DBNull.Value;
            version.Value = (object?)o.ImageSetVersion ?? DBNull.Value;
            reason.Value = (object?)o.FailureReason ?? DBNull.Value;
            at.Value = SqliteTime.Format(o.RecordedAt);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                continue;
            }

            findSop.Value = o.SopInstanceUid;
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                carried.Add(ReadCommitment(reader, o.SopInstanceUid, 0));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return carried;
    }

    public async Task<IReadOnlyList<InstanceImportOutcome>> RecordCommitmentsAsync(IReadOnlyList<InstanceCommitment> commitments, CancellationToken cancellationToken)
    {
        var outcomes = new List<InstanceImportOutcome>();
        if (commitments.Count == 0)
        {
            return outcomes;
        }

        await using var connection = await OpenDerivedWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO {CommitmentTableName} (sopInstanceUID, transactionUID, failureReason, reportedAt)
            VALUES (@sop, @transaction, @reason, @at)
            ON CONFLICT (sopInstanceUID) DO UPDATE SET transactionUID = excluded.transactionUID,
                failureReason = excluded.failureReason, reportedAt = excluded.reportedAt
            WHERE excluded.reportedAt >= {CommitmentTableName}.reportedAt;
            """;
        var sop = command.Parameters.Add("@sop", SqliteType.Text);
        var transactionUid = command.Parameters.Add("@transaction", SqliteType.Text);
        var reason = command.Parameters.Add("@reason", SqliteType.Integer);
        var at = command.Parameters.Add("@at", SqliteType.Text);
        command.Prepare();
        await using var find = connection.CreateCommand();
        find.Transaction = transaction;
        find.CommandText = $"{Select} WHERE i.sopInstanceUID = @sop AND i.outcomeStatus IS NOT NULL;";
        var findSop = find.Parameters.Add("@sop", SqliteType.Text);
        find.Prepare();
        foreach (var c in commitments)
        {
            sop.Value = c.SopInstanceUid;
            transactionUid.Value = c.TransactionUid;
            reason.Value = c.FailureReason is { } r ? (long)r : (object)DBNull.Value;
            at.Value = SqliteTime.Format(c.ReportedAt);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                continue;
            }

            findSop.Value = c.SopInstanceUid;
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && Read(reader).ImportOutcome is { } outcome)
            {
                outcomes.Add(outcome);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    public async Task<ReceivedInstanceRecord?> FindAsync(string sopInstanceUid, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"{Select} WHERE i.sopInstanceUID = @sop;";
        command.Parameters.AddWithValue("@sop", sopInstanceUid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<ReceivedInstanceRecord>> ListByStudyAsync(string studyInstanceUid, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            {Select} WHERE i.studyInstanceUID = @study
            ORDER BY i.receivedAt, i.sopInstanceUID LIMIT @take;
            """;
        command.Parameters.AddWithValue("@study", studyInstanceUid);
        command.Parameters.AddWithValue("@take", limit);
        var items = new List<ReceivedInstanceRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(Read(reader));
        }

        return items;
    }

    private static ReceivedInstanceRecord Read(SqliteDataReader r) => new(
        SopInstanceUid: r.GetString(0),
        SopClassUid: r.GetString(1),
        StudyInstanceUid: r.GetString(2),
        SeriesInstanceUid: r.GetString(3),
        TransferSyntaxUid: r.GetString(4),
        StudyDate: r.IsDBNull(5) ? null : r.GetString(5),
        ObjectKey: r.GetString(6),
        Size: r.GetInt64(7),
        Checksum: r.IsDBNull(8) ? null : r.GetString(8),
        BatchId: r.GetString(9),
        BatchStudyInstanceUid: r.GetString(10),
        ReceivedAt: SqliteTime.Parse(r.GetString(11)),
        CallingAeTitle: r.IsDBNull(12) ? null : r.GetString(12),
        CalledAeTitle: r.IsDBNull(13) ? null : r.GetString(13),
        ImportOutcome: r.IsDBNull(14) ? null : new InstanceImportOutcome(
            SopInstanceUid: r.GetString(0),
            BatchId: r.GetString(9),
            JobId: r.GetString(15),
            Status: ParseStatus(r.GetString(14)),
            ImageSetId: r.IsDBNull(16) ? null : r.GetString(16),
            ImageSetVersion: r.IsDBNull(17) ? null : r.GetString(17),
            FailureReason: r.IsDBNull(18) ? null : r.GetString(18),
            RecordedAt: SqliteTime.Parse(r.GetString(19))),
        Commitment: r.IsDBNull(20) ? null : ReadCommitment(r, r.GetString(0), 20));

    /// <summary>The commitment in columns transactionUID, failureReason, reportedAt from <paramref name="first"/> on.</summary>
    private static InstanceCommitment ReadCommitment(SqliteDataReader r, string sopInstanceUid, int first) => new(
        SopInstanceUid: sopInstanceUid,
        TransactionUid: r.GetString(first),
        FailureReason: r.IsDBNull(first + 1) ? null : checked((ushort)r.GetInt64(first + 1)),
        ReportedAt: SqliteTime.Parse(r.GetString(first + 2)));

    private static string FormatStatus(InstanceImportStatus status) => status switch
    {
        InstanceImportStatus.Imported => "IMPORTED",
        InstanceImportStatus.Failed => "FAILED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown import outcome"),
    };

    private static InstanceImportStatus ParseStatus(string value) => value switch
    {
        "IMPORTED" => InstanceImportStatus.Imported,
        "FAILED" => InstanceImportStatus.Failed,
        _ => throw new InvalidDataException($"unknown import outcome '{value}' in table {TableName}"),
    };
}
