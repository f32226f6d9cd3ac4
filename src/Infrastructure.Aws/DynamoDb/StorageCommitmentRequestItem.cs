using System.Globalization;
using Amazon.DynamoDBv2.Model;
using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Infrastructure.Aws.DynamoDb;

/// <summary>
/// The item of the storage commitment table: PK <c>transactionUID</c>, the request's fields under the names the SQLite
/// repository uses, and its referenced instances as <see cref="Items"/>, a list of maps in request order
/// (<c>sopClassUID</c>, <c>sopInstanceUID</c>, <c>decided</c>, and <c>failureReason</c> and <c>batchId</c> once
/// known). <see cref="Pending"/> is present only while the state is Pending, so the <see cref="ByDueIndex"/> GSI
/// (PK <see cref="Pending"/>, SK <see cref="NextAttemptAt"/>) holds exactly the reports still owed. Times are
/// fixed-width ISO-8601 UTC with 100 ns digits (<see cref="ReceivedInstanceItem.FormatTime"/>): they read back exactly
/// and sort as strings.
/// </summary>
public static class StorageCommitmentRequestItem
{
    public const string TransactionUid = "transactionUID";
    public const string CallingAeTitle = "callingAeTitle";
    public const string CalledAeTitle = "calledAeTitle";
    public const string AssociationId = "associationId";
    public const string RequestedAt = "requestedAt";
    public const string Items = "items";
    public const string State = "state";
    public const string NextAttemptAt = "nextAttemptAt";
    public const string Attempts = "attempts";
    public const string ReportedAt = "reportedAt";
    public const string ReportedVia = "reportedVia";
    public const string LastError = "lastError";

    /// <summary>"1" while the report is owed, absent otherwise: the partition key of <see cref="ByDueIndex"/>.</summary>
    public const string Pending = "pending";

    /// <summary>The value of <see cref="Pending"/>.</summary>
    public const string PendingValue = "1";

    /// <summary>GSI: PK pending, SK nextAttemptAt, projection ALL.</summary>
    public const string ByDueIndex = "byDue";

    private const string SopClassUid = "sopClassUID";
    private const string SopInstanceUid = "sopInstanceUID";
    private const string Decided = "decided";
    private const string FailureReason = "failureReason";
    private const string BatchId = "batchId";

    public static Dictionary<string, AttributeValue> ToItem(StorageCommitmentRecord r)
    {
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [TransactionUid] = S(r.TransactionUid),
            [CallingAeTitle] = S(r.CallingAeTitle),
            [CalledAeTitle] = S(r.CalledAeTitle),
            [AssociationId] = S(r.AssociationId),
            [RequestedAt] = S(ReceivedInstanceItem.FormatTime(r.RequestedAt)),
            [Items] = new AttributeValue { L = r.Items.Select(ToMap).ToList() },
            [State] = S(r.State.ToString()),
            [NextAttemptAt] = S(ReceivedInstanceItem.FormatTime(r.NextAttemptAt)),
            [Attempts] = new AttributeValue { N = r.Attempts.ToString(CultureInfo.InvariantCulture) },
        };
        if (r.State == StorageCommitmentState.Pending)
        {
            item[Pending] = S(PendingValue);
        }

        AddIfPresent(item, ReportedAt, r.ReportedAt is { } at ? ReceivedInstanceItem.FormatTime(at) : null);
        AddIfPresent(item, ReportedVia, r.ReportedVia);
        AddIfPresent(item, LastError, r.LastError);
        return item;
    }

    public static StorageCommitmentRecord FromItem(IReadOnlyDictionary<string, AttributeValue> item) => new(
        TransactionUid: Required(item, TransactionUid),
        CallingAeTitle: Required(item, CallingAeTitle),
        CalledAeTitle: Required(item, CalledAeTitle),
        AssociationId: Required(item, AssociationId),
        RequestedAt: ReceivedInstanceItem.ParseTime(Required(item, RequestedAt)),
        Items: item.TryGetValue(Items, out var items) && items.L is { } list
            ? list.Select(FromMap).ToList()
            : throw new InvalidDataException($"storage commitment item has no '{Items}'"),
        State: Enum.TryParse<StorageCommitmentState>(Required(item, State), out var state) && Enum.IsDefined(state)
            ? state
            : throw new InvalidDataException($"{State}: unknown storage commitment state '{Required(item, State)}'"),
        NextAttemptAt: ReceivedInstanceItem.ParseTime(Required(item, NextAttemptAt)),
        Attempts: item.TryGetValue(Attempts, out var attempts) && attempts.N is { } n
            ? int.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"storage commitment item has no '{Attempts}'"),
        ReportedAt: Optional(item, ReportedAt) is { } reportedAt ? ReceivedInstanceItem.ParseTime(reportedAt) : null,
        ReportedVia: Optional(item, ReportedVia),
        LastError: Optional(item, LastError));

    internal static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue ToMap(StorageCommitmentItem i)
    {
        var map = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [SopClassUid] = S(i.SopClassUid),
            [SopInstanceUid] = S(i.SopInstanceUid),
            [Decided] = new AttributeValue { BOOL = i.Decided },
        };
        if (i.FailureReason is { } reason)
        {
            map[FailureReason] = new AttributeValue { N = reason.ToString(CultureInfo.InvariantCulture) };
        }

        AddIfPresent(map, BatchId, i.BatchId);
        return new AttributeValue { M = map };
    }

    private static StorageCommitmentItem FromMap(AttributeValue value)
    {
        var map = value.M ?? throw new InvalidDataException($"'{Items}' holds an element that is not a map");
        return new StorageCommitmentItem(
            SopClassUid: Required(map, SopClassUid),
            SopInstanceUid: Required(map, SopInstanceUid),
            Decided: map.TryGetValue(Decided, out var decided) && decided.BOOL == true,
            FailureReason: map.TryGetValue(FailureReason, out var reason) && reason.N is { } n
                ? ushort.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture)
                : null,
            BatchId: Optional(map, BatchId));
    }

    private static void AddIfPresent(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = S(value);
        }
    }

    private static string Required(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        Optional(item, name) ?? throw new InvalidDataException($"storage commitment item has no '{name}'");

    private static string? Optional(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.S is { Length: > 0 } s ? s : null;
}
