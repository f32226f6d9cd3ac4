using System.Globalization;
using Amazon.DynamoDBv2.Model;
using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Infrastructure.Aws.DynamoDb;

/// <summary>
/// The item of the received-instance table: PK <c>sopInstanceUID</c>, the batch manifest's facts under the names the
/// SQLite index uses, and <see cref="ReceivedOrder"/>, the sort key of the <see cref="ByStudyIndex"/> GSI. Times are
/// fixed-width ISO-8601 UTC with 100 ns digits, so they read back exactly and sort as strings. An absent optional
/// value is an absent attribute. The import outcome of the recorded receipt lives in the <c>outcome…</c>,
/// <c>imageSet…</c> and <c>failureReason</c> attributes of the same item, as in the SQLite index, and the latest storage
/// commitment report on the SOP instance in its <c>commitment…</c> attributes. A report delivered before the instance's
/// batch is recorded makes an item with the key and the <c>commitment…</c> attributes only: it is not yet a record.
/// </summary>
public static class ReceivedInstanceItem
{
    public const string SopInstanceUid = "sopInstanceUID";
    public const string SopClassUid = "sopClassUID";
    public const string StudyInstanceUid = "studyInstanceUID";
    public const string SeriesInstanceUid = "seriesInstanceUID";
    public const string TransferSyntaxUid = "transferSyntaxUID";
    public const string StudyDate = "studyDate";
    public const string ObjectKey = "objectKey";
    public const string Size = "size";
    public const string Checksum = "checksum";
    public const string BatchId = "batchId";
    public const string BatchStudyInstanceUid = "batchStudyInstanceUID";
    public const string ReceivedAt = "receivedAt";
    public const string CallingAeTitle = "callingAeTitle";
    public const string CalledAeTitle = "calledAeTitle";
    public const string OutcomeStatus = "outcomeStatus";
    public const string OutcomeJobId = "outcomeJobId";
    public const string ImageSetId = "imageSetId";
    public const string ImageSetVersion = "imageSetVersion";
    public const string FailureReason = "failureReason";
    public const string OutcomeRecordedAt = "outcomeRecordedAt";
    public const string CommitmentTransactionUid = "commitmentTransactionUID";
    public const string CommitmentFailureReason = "commitmentFailureReason";
    public const string CommitmentReportedAt = "commitmentReportedAt";

    /// <summary><c>{receivedAt}#{sopInstanceUID}</c>: oldest first, and a stable order between instances received in the same tick.</summary>
    public const string ReceivedOrder = "receivedOrder";

    /// <summary>GSI: PK studyInstanceUID, SK receivedOrder, projection ALL.</summary>
    public const string ByStudyIndex = "byStudy";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static Dictionary<string, AttributeValue> ToItem(ReceivedInstanceRecord r)
    {
        var receivedAt = FormatTime(r.ReceivedAt);
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [SopInstanceUid] = S(r.SopInstanceUid),
            [SopClassUid] = S(r.SopClassUid),
            [StudyInstanceUid] = S(r.StudyInstanceUid),
            [SeriesInstanceUid] = S(r.SeriesInstanceUid),
            [TransferSyntaxUid] = S(r.TransferSyntaxUid),
            [ObjectKey] = S(r.ObjectKey),
            [Size] = new AttributeValue { N = r.Size.ToString(CultureInfo.InvariantCulture) },
            [BatchId] = S(r.BatchId),
            [BatchStudyInstanceUid] = S(r.BatchStudyInstanceUid),
            [ReceivedAt] = S(receivedAt),
            [ReceivedOrder] = S(receivedAt + "#" + r.SopInstanceUid),
        };
        AddIfPresent(item, StudyDate, r.StudyDate);
        AddIfPresent(item, Checksum, r.Checksum);
        AddIfPresent(item, CallingAeTitle, r.CallingAeTitle);
        AddIfPresent(item, CalledAeTitle, r.CalledAeTitle);
        return item;
    }

    /// <summary>The optional manifest attributes: absent from a record, they are removed from an item it updates.</summary>
    public static readonly string[] OptionalAttributes = [StudyDate, Checksum, CallingAeTitle, CalledAeTitle];

    /// <summary>The outcome's attributes, without its optional ones when they are null.</summary>
    public static Dictionary<string, AttributeValue> ToOutcomeAttributes(InstanceImportOutcome o)
    {
        var attributes = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [OutcomeStatus] = S(FormatStatus(o.Status)),
            [OutcomeJobId] = S(o.JobId),
            [OutcomeRecordedAt] = S(FormatTime(o.RecordedAt)),
        };
        AddIfPresent(attributes, ImageSetId, o.ImageSetId);
        AddIfPresent(attributes, ImageSetVersion, o.ImageSetVersion);
        AddIfPresent(attributes, FailureReason, o.FailureReason);
        return attributes;
    }

    /// <summary>The optional outcome attributes: a null one is removed, so no earlier outcome's value is left behind.</summary>
    public static readonly string[] OptionalOutcomeAttributes = [ImageSetId, ImageSetVersion, FailureReason];

    /// <summary>Every outcome attribute: a record replacing another batch's receipt removes them.</summary>
    public static readonly string[] AllOutcomeAttributes = [OutcomeStatus, OutcomeJobId, ImageSetId, ImageSetVersion, FailureReason, OutcomeRecordedAt];

    /// <summary>The commitment's attributes, without the failure reason when it committed.</summary>
    public static Dictionary<string, AttributeValue> ToCommitmentAttributes(InstanceCommitment c)
    {
        var attributes = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [CommitmentTransactionUid] = S(c.TransactionUid),
            [CommitmentReportedAt] = S(FormatTime(c.ReportedAt)),
        };
        if (c.FailureReason is { } reason)
        {
            attributes[CommitmentFailureReason] = new AttributeValue { N = reason.ToString(CultureInfo.InvariantCulture) };
        }

        return attributes;
    }

    /// <summary>The optional commitment attribute: removed when a commitment without a failure replaces a failed one.</summary>
    public static readonly string[] OptionalCommitmentAttributes = [CommitmentFailureReason];

    /// <summary>True when the item holds a received instance, not only a commitment delivered before its batch was recorded.</summary>
    public static bool IsRecord(IReadOnlyDictionary<string, AttributeValue> item) => Optional(item, BatchId) is not null;

    /// <summary>The commitment an item carries, or null.</summary>
    public static InstanceCommitment? CommitmentOf(IReadOnlyDictionary<string, AttributeValue> item) =>
        Optional(item, CommitmentTransactionUid) is { } transactionUid
            ? new InstanceCommitment(
                SopInstanceUid: Required(item, SopInstanceUid),
                TransactionUid: transactionUid,
                FailureReason: item.TryGetValue(CommitmentFailureReason, out var reason) && reason.N is { } n
                    ? ushort.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture)
                    : null,
                ReportedAt: ParseTime(Required(item, CommitmentReportedAt)))
            : null;

    public static ReceivedInstanceRecord FromItem(IReadOnlyDictionary<string, AttributeValue> item) => new(
        SopInstanceUid: Required(item, SopInstanceUid),
        SopClassUid: Required(item, SopClassUid),
        StudyInstanceUid: Required(item, StudyInstanceUid),
        SeriesInstanceUid: Required(item, SeriesInstanceUid),
        TransferSyntaxUid: Required(item, TransferSyntaxUid),
        StudyDate: Optional(item, StudyDate),
        ObjectKey: Required(item, ObjectKey),
        Size: item.TryGetValue(Size, out var size) && size.N is { } n
            ? long.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"instance item has no '{Size}'"),
        Checksum: Optional(item, Checksum),
        BatchId: Required(item, BatchId),
        BatchStudyInstanceUid: Required(item, BatchStudyInstanceUid),
        ReceivedAt: ParseTime(Required(item, ReceivedAt)),
        CallingAeTitle: Optional(item, CallingAeTitle),
        CalledAeTitle: Optional(item, CalledAeTitle),
        ImportOutcome: Optional(item, OutcomeStatus) is { } status
            ? new InstanceImportOutcome(
                SopInstanceUid: Required(item, SopInstanceUid),
                BatchId: Required(item, BatchId),
                JobId: Required(item, OutcomeJobId),
                Status: ParseStatus(status),
                ImageSetId: Optional(item, ImageSetId),
                ImageSetVersion: Optional(item, ImageSetVersion),
                FailureReason: Optional(item, FailureReason),
                RecordedAt: ParseTime(Required(item, OutcomeRecordedAt)))
            : null,
        Commitment: CommitmentOf(item));

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
        _ => throw new InvalidDataException($"{OutcomeStatus}: unknown import outcome '{value}'"),
    };

    internal static AttributeValue S(string value) => new() { S = value };

    internal static DateTimeOffset ParseTime(string value) =>
        DateTime.TryParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? new DateTimeOffset(t, TimeSpan.Zero)
            : throw new InvalidDataException($"'{value}' is not a time of the form {TimeFormat}");

    private static void AddIfPresent(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = S(value);
        }
    }

    private static string Required(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        Optional(item, name) ?? throw new InvalidDataException($"instance item has no '{name}'");

    private static string? Optional(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.S is { Length: > 0 } s ? s : null;
}
