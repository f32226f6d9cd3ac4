using System.Globalization;
using System.Text.Json.Nodes;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using Microsoft.Data.Sqlite;

namespace ImagingGateway.Infrastructure.Local.Sqlite;

/// <summary>
/// The job table in SQLite, with exactly DicomImportJobTable's attributes (plus batchId, instanceCount, totalBytes)
/// and the conditional writes <see cref="IImportJobRepository"/> defines: create only if absent, update only if the
/// stored status is the expected one and the aggregate allows the move. The re-drive links (retryOf, retriedBy) are
/// columns too, and so are the storage commitments that covered the job's instances (column <c>commitments</c>, a JSON
/// array, merged in a transaction by <see cref="ImportJobCommitment.Supersedes"/>); a table made before them gets them
/// added at start.
/// </summary>
public sealed class SqliteImportJobRepository : IImportJobRepository
{
    public const string TableName = "DicomImportJobTable";

    private const string Columns =
        "jobId, jobStatus, submittedAt, inputS3Uri, outputS3Uri, datastoreId, dataAccessRoleArn, studyDate, " +
        "studyInstanceUID, seriesInstanceUID, sopInstanceUID, endedAt, message, batchId, instanceCount, totalBytes, retryOf, retriedBy";

    private const string Schema = $"""
        CREATE TABLE IF NOT EXISTS {TableName} (
            jobId TEXT NOT NULL PRIMARY KEY,
            jobStatus TEXT NOT NULL,
            submittedAt TEXT NOT NULL,
            inputS3Uri TEXT NOT NULL,
            outputS3Uri TEXT NOT NULL,
            datastoreId TEXT NOT NULL,
            dataAccessRoleArn TEXT NOT NULL,
            studyDate TEXT NULL,
            studyInstanceUID TEXT NULL,
            seriesInstanceUID TEXT NULL,
            sopInstanceUID TEXT NULL,
            endedAt TEXT NULL,
            message TEXT NULL,
            batchId TEXT NULL,
            instanceCount INTEGER NOT NULL DEFAULT 0,
            totalBytes INTEGER NOT NULL DEFAULT 0,
            retryOf TEXT NULL,
            retriedBy TEXT NULL,
            commitments TEXT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_{TableName}_submitted ON {TableName} (submittedAt DESC, jobId DESC);
        CREATE INDEX IF NOT EXISTS ix_{TableName}_status ON {TableName} (jobStatus, submittedAt DESC, jobId DESC);
        CREATE INDEX IF NOT EXISTS ix_{TableName}_study ON {TableName} (studyInstanceUID, submittedAt DESC, jobId DESC);
        CREATE INDEX IF NOT EXISTS ix_{TableName}_batch ON {TableName} (batchId);
        """;

    private readonly SqliteSchema _schema;

    public SqliteImportJobRepository(SqliteDatabase database)
    {
        _schema = new SqliteSchema(database, Schema, UpgradeAsync);
    }

    /// <summary>Adds the re-drive and commitment columns to a table made before them (SQLite adds a nullable column in place).</summary>
    private static async Task UpgradeAsync(SqliteConnection connection)
    {
        await using var probe = connection.CreateCommand();
        probe.CommandText = $"SELECT count(*) FROM pragma_table_info('{TableName}');";
        var columns = Convert.ToInt64(await probe.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (columns == 0)
        {
            return;
        }

        probe.CommandText = $"SELECT count(*) FROM pragma_table_info('{TableName}') WHERE name = 'retryOf';";
        if (Convert.ToInt64(await probe.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
        {
            await using var upgrade = connection.CreateCommand();
            upgrade.CommandText = $"ALTER TABLE {TableName} ADD COLUMN retryOf TEXT NULL; ALTER TABLE {TableName} ADD COLUMN retriedBy TEXT NULL;";
            await upgrade.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        probe.CommandText = $"SELECT count(*) FROM pragma_table_info('{TableName}') WHERE name = 'commitments';";
        if (Convert.ToInt64(await probe.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
        {
            await using var upgrade = connection.CreateCommand();
            upgrade.CommandText = $"ALTER TABLE {TableName} ADD COLUMN commitments TEXT NULL;";
            await upgrade.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    public async Task<bool> CreateIfAbsentAsync(ImportJob job, CancellationToken cancellationToken)
    {
        var s = job.Snapshot;
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO {TableName} ({Columns})
            VALUES (@jobId, @jobStatus, @submittedAt, @inputS3Uri, @outputS3Uri, @datastoreId, @dataAccessRoleArn, @studyDate,
                    @studyInstanceUID, @seriesInstanceUID, @sopInstanceUID, @endedAt, @message, @batchId, @instanceCount, @totalBytes,
                    @retryOf, @retriedBy)
            ON CONFLICT (jobId) DO NOTHING;
            """;
        command.Parameters.AddWithValue("@jobId", s.JobId);
        command.Parameters.AddWithValue("@jobStatus", s.Status.ToWire());
        command.Parameters.AddWithValue("@submittedAt", SqliteTime.Format(s.SubmittedAt));
        command.Parameters.AddWithValue("@inputS3Uri", s.InputS3Uri);
        command.Parameters.AddWithValue("@outputS3Uri", s.OutputS3Uri);
        command.Parameters.AddWithValue("@datastoreId", s.DatastoreId);
        command.Parameters.AddWithValue("@dataAccessRoleArn", s.DataAccessRoleArn);
        command.Parameters.AddWithValue("@studyDate", (object?)s.StudyDate ?? DBNull.Value);
        command.Parameters.AddWithValue("@studyInstanceUID", (object?)s.StudyInstanceUid ?? DBNull.Value);
        command.Parameters.AddWithValue("@seriesInstanceUID", (object?)s.SeriesInstanceUid ?? DBNull.Value);
        command.Parameters.AddWithValue("@sopInstanceUID", (object?)s.SopInstanceUid ?? DBNull.Value);
        command.Parameters.AddWithValue("@endedAt", SqliteTime.FormatOrNull(s.EndedAt));
        command.Parameters.AddWithValue("@message", (object?)s.Message ?? DBNull.Value);
        command.Parameters.AddWithValue("@batchId", (object?)s.BatchId ?? DBNull.Value);
        command.Parameters.AddWithValue("@instanceCount", s.InstanceCount);
        command.Parameters.AddWithValue("@totalBytes", s.TotalBytes);
        command.Parameters.AddWithValue("@retryOf", (object?)s.RetryOf ?? DBNull.Value);
        command.Parameters.AddWithValue("@retriedBy", (object?)s.RetriedBy ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> SetRetriedByAsync(ImportJob job, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE {TableName} SET retriedBy = @retriedBy WHERE jobId = @jobId;";
        command.Parameters.AddWithValue("@jobId", job.JobId);
        command.Parameters.AddWithValue("@retriedBy", (object?)job.RetriedBy ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> RecordCommitmentsAsync(string jobId, IReadOnlyList<ImportJobCommitment> commitments, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = $"SELECT commitments FROM {TableName} WHERE jobId = @jobId;";
        read.Parameters.AddWithValue("@jobId", jobId);
        var stored = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return false;
        }

        var merged = (ParseCommitments(stored as string) ?? []).ToDictionary(c => c.TransactionUid, StringComparer.Ordinal);
        foreach (var commitment in commitments)
        {
            if (!merged.TryGetValue(commitment.TransactionUid, out var known) || commitment.Supersedes(known))
            {
                merged[commitment.TransactionUid] = commitment;
            }
        }

        await using var write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = $"UPDATE {TableName} SET commitments = @commitments WHERE jobId = @jobId;";
        write.Parameters.AddWithValue("@jobId", jobId);
        write.Parameters.AddWithValue("@commitments", merged.Count == 0 ? DBNull.Value : (object)FormatCommitments(merged.Values));
        await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> TryUpdateAsync(ImportJob job, ImportJobStatus expectedStatus, CancellationToken cancellationToken)
    {
        job.EnsureCanReplace(expectedStatus);
        var s = job.Snapshot;
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE {TableName} SET jobStatus = @jobStatus, endedAt = @endedAt, message = @message
            WHERE jobId = @jobId AND jobStatus = @expected;
            """;
        command.Parameters.AddWithValue("@jobId", s.JobId);
        command.Parameters.AddWithValue("@jobStatus", s.Status.ToWire());
        command.Parameters.AddWithValue("@endedAt", SqliteTime.FormatOrNull(s.EndedAt));
        command.Parameters.AddWithValue("@message", (object?)s.Message ?? DBNull.Value);
        command.Parameters.AddWithValue("@expected", expectedStatus.ToWire());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<ImportJob?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, commitments FROM {TableName} WHERE jobId = @jobId;";
        command.Parameters.AddWithValue("@jobId", jobId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public Task<Page<ImportJob>> ListByStatusAsync(ImportJobStatus status, PageRequest page, CancellationToken cancellationToken) =>
        ListCoreAsync("jobStatus = @filter", status.ToWire(), page, cancellationToken);

    public Task<Page<ImportJob>> ListByStudyAsync(string studyInstanceUid, PageRequest page, CancellationToken cancellationToken) =>
        ListCoreAsync("studyInstanceUID = @filter", studyInstanceUid, page, cancellationToken);

    public Task<Page<ImportJob>> ListAsync(PageRequest page, CancellationToken cancellationToken) =>
        ListCoreAsync(null, null, page, cancellationToken);

    /// <summary>The job of a batch, if one was recorded (a batch has at most one job: its clientToken is the batch id).</summary>
    public async Task<ImportJob?> FindByBatchAsync(string batchId, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, commitments FROM {TableName} WHERE batchId = @batchId ORDER BY submittedAt DESC LIMIT 1;";
        command.Parameters.AddWithValue("@batchId", batchId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<IReadOnlyDictionary<ImportJobStatus, long>> CountByStatusAsync(IReadOnlyCollection<ImportJobStatus> statuses, CancellationToken cancellationToken)
    {
        var counts = statuses.Distinct().ToDictionary(s => s, _ => 0L);
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var status in counts.Keys.ToList())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {TableName} WHERE jobStatus = @status;";
            command.Parameters.AddWithValue("@status", status.ToWire());
            counts[status] = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        return counts;
    }

    private async Task<Page<ImportJob>> ListCoreAsync(string? filter, string? value, PageRequest page, CancellationToken cancellationToken)
    {
        if (page.Limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(page), "limit must be at least 1");
        }

        var after = PageToken.Decode(page.ContinuationToken);
        var conditions = new List<string>(2);
        if (filter is not null)
        {
            conditions.Add(filter);
        }

        if (after is not null)
        {
            conditions.Add("(submittedAt < @afterSubmittedAt OR (submittedAt = @afterSubmittedAt AND jobId < @afterJobId))");
        }

        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);
        command.CommandText = $"SELECT {Columns}, commitments FROM {TableName} {where} ORDER BY submittedAt DESC, jobId DESC LIMIT @take;";
        if (value is not null)
        {
            command.Parameters.AddWithValue("@filter", value);
        }

        if (after is not null)
        {
            command.Parameters.AddWithValue("@afterSubmittedAt", after.SubmittedAt);
            command.Parameters.AddWithValue("@afterJobId", after.JobId);
        }

        command.Parameters.AddWithValue("@take", page.Limit + 1);
        var items = new List<ImportJob>(Math.Min(page.Limit + 1, 1024));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(Read(reader));
            }
        }

        if (items.Count <= page.Limit)
        {
            return new Page<ImportJob>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        var last = items[^1];
        return new Page<ImportJob>(items, new PageToken(SqliteTime.Format(last.SubmittedAt), last.JobId).Encode());
    }

    private static ImportJob Read(SqliteDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return ImportJob.Restore(new ImportJobSnapshot(
            JobId: r.GetString(0),
            Status: ImportJobStatusNames.Parse(r.GetString(1)),
            SubmittedAt: SqliteTime.Parse(r.GetString(2)),
            InputS3Uri: r.GetString(3),
            OutputS3Uri: r.GetString(4),
            DatastoreId: r.GetString(5),
            DataAccessRoleArn: r.GetString(6),
            StudyDate: Text(7),
            StudyInstanceUid: Text(8),
            SeriesInstanceUid: Text(9),
            SopInstanceUid: Text(10),
            EndedAt: Text(11) is { } ended ? SqliteTime.Parse(ended) : null,
            Message: Text(12),
            BatchId: Text(13),
            InstanceCount: r.GetInt32(14),
            TotalBytes: r.GetInt64(15),
            RetryOf: Text(16),
            RetriedBy: Text(17),
            Commitments: ParseCommitments(Text(18))));
    }

    /// <summary>The commitments as a JSON array, oldest report first: [{transactionUID, committed, failed, reportedAt}].</summary>
    private static string FormatCommitments(IEnumerable<ImportJobCommitment> commitments) =>
        new JsonArray([.. commitments
            .OrderBy(c => c.ReportedAt).ThenBy(c => c.TransactionUid, StringComparer.Ordinal)
            .Select(c => (JsonNode)new JsonObject
            {
                ["transactionUID"] = c.TransactionUid,
                ["committed"] = c.Committed,
                ["failed"] = c.Failed,
                ["reportedAt"] = SqliteTime.Format(c.ReportedAt),
            })]).ToJsonString();

    private static IReadOnlyList<ImportJobCommitment>? ParseCommitments(string? json) =>
        json is null ? null : [.. JsonNode.Parse(json)!.AsArray().Select(n => new ImportJobCommitment(
            (string)n!["transactionUID"]!,
            (int)n["committed"]!,
            (int)n["failed"]!,
            SqliteTime.Parse((string)n["reportedAt"]!)))];
}
