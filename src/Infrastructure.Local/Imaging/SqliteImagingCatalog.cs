using ImagingGateway.Domain.Imports;
using ImagingGateway.Infrastructure.Local.Sqlite;
using Microsoft.Data.Sqlite;

namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>The local stand-in's own records: its import jobs (unique by data store and client token) and image sets (one per series).</summary>
internal sealed class SqliteImagingCatalog
{
    private const string JobColumns =
        "jobId, datastoreId, clientToken, jobName, jobStatus, submittedAt, endedAt, message, inputS3Uri, outputS3Uri, dataAccessRoleArn";

    private const string ImageSetColumns = "imageSetId, datastoreId, studyInstanceUID, seriesInstanceUID, version, createdAt, updatedAt";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS imaging_jobs (
            jobId TEXT NOT NULL PRIMARY KEY,
            datastoreId TEXT NOT NULL,
            clientToken TEXT NOT NULL,
            jobName TEXT NULL,
            jobStatus TEXT NOT NULL,
            submittedAt TEXT NOT NULL,
            endedAt TEXT NULL,
            message TEXT NULL,
            inputS3Uri TEXT NOT NULL,
            outputS3Uri TEXT NOT NULL,
            dataAccessRoleArn TEXT NOT NULL,
            UNIQUE (datastoreId, clientToken)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_imaging_jobs_status ON imaging_jobs (datastoreId, jobStatus);
        CREATE TABLE IF NOT EXISTS image_sets (
            imageSetId TEXT NOT NULL PRIMARY KEY,
            datastoreId TEXT NOT NULL,
            studyInstanceUID TEXT NOT NULL,
            seriesInstanceUID TEXT NOT NULL,
            version INTEGER NOT NULL,
            createdAt TEXT NOT NULL,
            updatedAt TEXT NOT NULL,
            UNIQUE (datastoreId, seriesInstanceUID)
        ) WITHOUT ROWID;
        """;

    private readonly SqliteSchema _schema;

    public SqliteImagingCatalog(SqliteDatabase database)
    {
        _schema = new SqliteSchema(database, Schema);
    }

    public async Task<bool> InsertJobAsync(LocalImagingJob job, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO imaging_jobs ({JobColumns})
            VALUES (@jobId, @datastoreId, @clientToken, @jobName, @jobStatus, @submittedAt, @endedAt, @message, @inputS3Uri, @outputS3Uri, @dataAccessRoleArn)
            ON CONFLICT DO NOTHING;
            """;
        command.Parameters.AddWithValue("@jobId", job.JobId);
        command.Parameters.AddWithValue("@datastoreId", job.DatastoreId);
        command.Parameters.AddWithValue("@clientToken", job.ClientToken);
        command.Parameters.AddWithValue("@jobName", (object?)job.JobName ?? DBNull.Value);
        command.Parameters.AddWithValue("@jobStatus", job.Status.ToWire());
        command.Parameters.AddWithValue("@submittedAt", SqliteTime.Format(job.SubmittedAt));
        command.Parameters.AddWithValue("@endedAt", SqliteTime.FormatOrNull(job.EndedAt));
        command.Parameters.AddWithValue("@message", (object?)job.Message ?? DBNull.Value);
        command.Parameters.AddWithValue("@inputS3Uri", job.InputS3Uri);
        command.Parameters.AddWithValue("@outputS3Uri", job.OutputS3Uri);
        command.Parameters.AddWithValue("@dataAccessRoleArn", job.DataAccessRoleArn);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task UpdateJobStatusAsync(string jobId, ImportJobStatus status, DateTimeOffset? endedAt, string? message, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE imaging_jobs SET jobStatus = @jobStatus, endedAt = @endedAt, message = @message WHERE jobId = @jobId;";
        command.Parameters.AddWithValue("@jobId", jobId);
        command.Parameters.AddWithValue("@jobStatus", status.ToWire());
        command.Parameters.AddWithValue("@endedAt", SqliteTime.FormatOrNull(endedAt));
        command.Parameters.AddWithValue("@message", (object?)message ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<LocalImagingJob?> GetJobAsync(string datastoreId, string jobId, CancellationToken cancellationToken) =>
        SingleJobAsync("datastoreId = @a AND jobId = @b", datastoreId, jobId, cancellationToken);

    public Task<LocalImagingJob?> GetJobByIdAsync(string jobId, CancellationToken cancellationToken) =>
        SingleJobAsync("jobId = @a AND @b = ''", jobId, string.Empty, cancellationToken);

    public Task<LocalImagingJob?> FindByClientTokenAsync(string datastoreId, string clientToken, CancellationToken cancellationToken) =>
        SingleJobAsync("datastoreId = @a AND clientToken = @b", datastoreId, clientToken, cancellationToken);

    public async Task<int> CountActiveJobsAsync(string datastoreId, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM imaging_jobs WHERE datastoreId = @datastoreId AND jobStatus IN ('SUBMITTED', 'IN_PROGRESS');";
        command.Parameters.AddWithValue("@datastoreId", datastoreId);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<LocalImagingJob>> ListUnfinishedJobsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {JobColumns} FROM imaging_jobs WHERE jobStatus IN ('SUBMITTED', 'IN_PROGRESS') ORDER BY submittedAt;";
        var jobs = new List<LocalImagingJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(ReadJob(reader));
        }

        return jobs;
    }

    public async Task<LocalImageSet?> FindImageSetBySeriesAsync(string datastoreId, string seriesInstanceUid, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ImageSetColumns} FROM image_sets WHERE datastoreId = @datastoreId AND seriesInstanceUID = @series;";
        command.Parameters.AddWithValue("@datastoreId", datastoreId);
        command.Parameters.AddWithValue("@series", seriesInstanceUid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadImageSet(reader) : null;
    }

    public async Task<LocalImageSet?> GetImageSetAsync(string datastoreId, string imageSetId, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ImageSetColumns} FROM image_sets WHERE datastoreId = @datastoreId AND imageSetId = @id;";
        command.Parameters.AddWithValue("@datastoreId", datastoreId);
        command.Parameters.AddWithValue("@id", imageSetId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadImageSet(reader) : null;
    }

    public async Task UpsertImageSetAsync(LocalImageSet set, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO image_sets ({ImageSetColumns}) VALUES (@id, @datastoreId, @study, @series, @version, @createdAt, @updatedAt)
            ON CONFLICT (imageSetId) DO UPDATE SET version = excluded.version, updatedAt = excluded.updatedAt, studyInstanceUID = excluded.studyInstanceUID;
            """;
        command.Parameters.AddWithValue("@id", set.ImageSetId);
        command.Parameters.AddWithValue("@datastoreId", set.DatastoreId);
        command.Parameters.AddWithValue("@study", set.StudyInstanceUid);
        command.Parameters.AddWithValue("@series", set.SeriesInstanceUid);
        command.Parameters.AddWithValue("@version", set.Version);
        command.Parameters.AddWithValue("@createdAt", SqliteTime.Format(set.CreatedAt));
        command.Parameters.AddWithValue("@updatedAt", SqliteTime.Format(set.UpdatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<LocalImagingJob?> SingleJobAsync(string where, string a, string b, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {JobColumns} FROM imaging_jobs WHERE {where};";
        command.Parameters.AddWithValue("@a", a);
        command.Parameters.AddWithValue("@b", b);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadJob(reader) : null;
    }

    private static LocalImagingJob ReadJob(SqliteDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new LocalImagingJob(
            JobId: r.GetString(0),
            DatastoreId: r.GetString(1),
            ClientToken: r.GetString(2),
            JobName: Text(3),
            Status: ImportJobStatusNames.Parse(r.GetString(4)),
            SubmittedAt: SqliteTime.Parse(r.GetString(5)),
            EndedAt: Text(6) is { } ended ? SqliteTime.Parse(ended) : null,
            Message: Text(7),
            InputS3Uri: r.GetString(8),
            OutputS3Uri: r.GetString(9),
            DataAccessRoleArn: r.GetString(10));
    }

    private static LocalImageSet ReadImageSet(SqliteDataReader r) => new(
        ImageSetId: r.GetString(0),
        DatastoreId: r.GetString(1),
        StudyInstanceUid: r.GetString(2),
        SeriesInstanceUid: r.GetString(3),
        Version: r.GetInt32(4),
        CreatedAt: SqliteTime.Parse(r.GetString(5)),
        UpdatedAt: SqliteTime.Parse(r.GetString(6)));
}
