using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Network.Dimse.Commitment;

/// <summary>
/// The N-EVENT-REPORT-RQ data set of a storage commitment result (PS3.4 J.3.3.1.1, Table J.3-2): Transaction UID, the
/// committed instances in the Referenced SOP Sequence and the failed ones, each with its reason, in the Failed SOP
/// Sequence. Either sequence is left out when empty.
/// </summary>
public sealed record StorageCommitmentResult(string TransactionUid, IReadOnlyList<ReferencedSop> Committed, IReadOnlyList<FailedSop> Failed)
{
    /// <summary>Event Type ID 1, "Storage Commitment Request Successful" (PS3.4 J.3.3.1).</summary>
    public const ushort SuccessfulEventTypeId = 1;

    /// <summary>Event Type ID 2, "Storage Commitment Request Complete - Failures Exist" (PS3.4 J.3.3.1).</summary>
    public const ushort FailuresExistEventTypeId = 2;

    public ushort EventTypeId => Failed.Count == 0 ? SuccessfulEventTypeId : FailuresExistEventTypeId;

    public DataSet ToDataSet()
    {
        var dataSet = new DataSet();
        dataSet.SetString(DicomTags.TransactionUID, DicomVr.UI, TransactionUid);
        if (Failed.Count > 0)
        {
            dataSet.Set(StorageCommitmentSequences.Build(DicomTags.FailedSOPSequence, dataSet, Failed.Select(f => (f.SopClassUid, f.SopInstanceUid, (ushort?)f.FailureReason))));
        }

        if (Committed.Count > 0)
        {
            dataSet.Set(StorageCommitmentSequences.Build(DicomTags.ReferencedSOPSequence, dataSet, Committed.Select(r => (r.SopClassUid, r.SopInstanceUid, (ushort?)null))));
        }

        return dataSet;
    }

    public byte[] Encode(string transferSyntaxUid) => StorageCommitmentSequences.Encode(ToDataSet(), transferSyntaxUid);

    public static StorageCommitmentResult Parse(DataSet dataSet)
    {
        var transactionUid = dataSet.GetString(DicomTags.TransactionUID);
        if (string.IsNullOrEmpty(transactionUid))
        {
            throw new StorageCommitmentFormatException("Transaction UID (0008,1195) is missing.", isMissing: true);
        }

        var committed = StorageCommitmentSequences.Read(dataSet, DicomTags.ReferencedSOPSequence, withReason: false)
            .Select(i => new ReferencedSop(i.SopClassUid, i.SopInstanceUid)).ToList();
        var failed = StorageCommitmentSequences.Read(dataSet, DicomTags.FailedSOPSequence, withReason: true)
            .Select(i => new FailedSop(i.SopClassUid, i.SopInstanceUid, i.Reason!.Value)).ToList();
        return new StorageCommitmentResult(transactionUid, committed, failed);
    }

    public static StorageCommitmentResult Decode(ReadOnlyMemory<byte> encoded, string transferSyntaxUid) =>
        Parse(StorageCommitmentSequences.Decode(encoded, transferSyntaxUid));
}
