using System.Globalization;
using Amazon.DynamoDBv2.Model;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Infrastructure.Aws.DynamoDb;

/// <summary>
/// The DicomImportJobTable item: the seed's attributes exactly, plus the batch's (batchId, instanceCount,
/// totalBytes), the re-drive links (retryOf, retriedBy) and <c>commitments</c>, a map from each storage commitment
/// Transaction UID that covered the job's instances to its counts (committed, failed, total) and reportedAt. Times are ISO-8601 UTC with milliseconds, so they sort as strings (the GSIs' sort key).
/// An absent optional value is an absent attribute (a GSI then simply does not hold the item).
/// </summary>
public static class ImportJobItem
{
    public const string JobId = "jobId";
    public const string JobStatus = "jobStatus";
    public const string SubmittedAt = "submittedAt";
    public const string InputS3Uri = "inputS3Uri";
    public const string OutputS3Uri = "outputS3Uri";
    public const string DatastoreId = "datastoreId";
    public const string DataAccessRoleArn = "dataAccessRoleArn";
    public const string StudyDate = "studyDate";
    public const string StudyInstanceUid = "studyInstanceUID";
    public const string SeriesInstanceUid = "seriesInstanceUID";
    public const string SopInstanceUid = "sopInstanceUID";
    public const string EndedAt = "endedAt";
    public const string Message = "message";
    public const string BatchId = "batchId";
    public const string InstanceCount = "instanceCount";
    public const string TotalBytes = "totalBytes";
    public const string RetryOf = "retryOf";
    public const string RetriedBy = "retriedBy";
    public const string Commitments = "commitments";
    public const string CommitmentCommitted = "committed";
    public const string CommitmentFailed = "failed";
    public const string CommitmentTotal = "total";
    public const string CommitmentReportedAt = "reportedAt";

    /// <summary>GSI: PK jobStatus, SK submittedAt.</summary>
    public const string ByStatusIndex = "byStatus";

    /// <summary>GSI: PK studyInstanceUID, SK submittedAt.</summary>
    public const string ByStudyIndex = "byStudy";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string value, string attribute) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new InvalidDataException($"{attribute}: '{value}' is not an ISO-8601 time");

    public static Dictionary<string, AttributeValue> ToItem(ImportJob job)
    {
        var s = job.Snapshot;
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [JobId] = S(s.JobId),
            [JobStatus] = S(s.Status.ToWire()),
            [SubmittedAt] = S(FormatTime(s.SubmittedAt)),
            [InputS3Uri] = S(s.InputS3Uri),
            [OutputS3Uri] = S(s.OutputS3Uri),
            [DatastoreId] = S(s.DatastoreId),
            [DataAccessRoleArn] = S(s.DataAccessRoleArn),
            [InstanceCount] = N(s.InstanceCount),
            [TotalBytes] = N(s.TotalBytes),
        };
        AddIfPresent(item, StudyDate, s.StudyDate);
        AddIfPresent(item, StudyInstanceUid, s.StudyInstanceUid);
        AddIfPresent(item, SeriesInstanceUid, s.SeriesInstanceUid);
        AddIfPresent(item, SopInstanceUid, s.SopInstanceUid);
        AddIfPresent(item, EndedAt, s.EndedAt is { } e ? FormatTime(e) : null);
        AddIfPresent(item, Message, s.Message);
        AddIfPresent(item, BatchId, s.BatchId);
        AddIfPresent(item, RetryOf, s.RetryOf);
        AddIfPresent(item, RetriedBy, s.RetriedBy);
        return item;
    }

    public static ImportJob FromItem(IReadOnlyDictionary<string, AttributeValue> item)
    {
        var endedAt = Optional(item, EndedAt);
        return ImportJob.Restore(new ImportJobSnapshot(
            JobId: Required(item, JobId),
            Status: ImportJobStatusNames.Parse(Required(item, JobStatus)),
            SubmittedAt: ParseTime(Required(item, SubmittedAt), SubmittedAt),
            InputS3Uri: Required(item, InputS3Uri),
            OutputS3Uri: Required(item, OutputS3Uri),
            DatastoreId: Required(item, DatastoreId),
            DataAccessRoleArn: Required(item, DataAccessRoleArn),
            StudyDate: Optional(item, StudyDate),
            StudyInstanceUid: Optional(item, StudyInstanceUid),
            SeriesInstanceUid: Optional(item, SeriesInstanceUid),
            SopInstanceUid: Optional(item, SopInstanceUid),
            EndedAt: endedAt is null ? null : ParseTime(endedAt, EndedAt),
            Message: Optional(item, Message),
            BatchId: Optional(item, BatchId),
            InstanceCount: (int)Number(item, InstanceCount),
            TotalBytes: Number(item, TotalBytes),
            RetryOf: Optional(item, RetryOf),
            RetriedBy: Optional(item, RetriedBy),
            Commitments: CommitmentsOf(item)));
    }

    /// <summary>One transaction's entry of the <c>commitments</c> map.</summary>
    public static AttributeValue ToCommitmentValue(ImportJobCommitment c) => new()
    {
        M = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [CommitmentCommitted] = N(c.Committed),
            [CommitmentFailed] = N(c.Failed),
            [CommitmentTotal] = N(c.Committed + c.Failed),
            [CommitmentReportedAt] = S(FormatTime(c.ReportedAt)),
        },
    };

    private static IReadOnlyList<ImportJobCommitment>? CommitmentsOf(IReadOnlyDictionary<string, AttributeValue> item) =>
        item.TryGetValue(Commitments, out var map) && map.M is { Count: > 0 } entries
            ? [.. entries
                .Select(e => new ImportJobCommitment(
                    e.Key,
                    (int)Number(e.Value.M, CommitmentCommitted),
                    (int)Number(e.Value.M, CommitmentFailed),
                    ParseTime(Required(e.Value.M, CommitmentReportedAt), Commitments)))
                .OrderBy(c => c.ReportedAt).ThenBy(c => c.TransactionUid, StringComparer.Ordinal)]
            : null;

    internal static AttributeValue S(string value) => new() { S = value };

    internal static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static void AddIfPresent(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = S(value);
        }
    }

    private static string Required(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        Optional(item, name) ?? throw new InvalidDataException($"job item has no '{name}'");

    private static string? Optional(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.S is { Length: > 0 } s ? s : null;

    private static long Number(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.N is { } n ? long.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture) : 0;
}
