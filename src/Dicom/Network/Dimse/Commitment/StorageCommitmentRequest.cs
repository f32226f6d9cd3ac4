using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Network.Dimse.Commitment;

/// <summary>
/// The N-ACTION-RQ data set of a storage commitment request (PS3.4 J.3.2.1.1, Table J.3-1): Transaction UID (0008,1195)
/// and a Referenced SOP Sequence (0008,1199) of at least one SOP class / instance pair.
/// </summary>
public sealed record StorageCommitmentRequest(string TransactionUid, IReadOnlyList<ReferencedSop> References)
{
    /// <summary>Action Type ID 1, "Request Storage Commitment" (PS3.4 J.3.2.1).</summary>
    public const ushort ActionTypeId = 1;

    public DataSet ToDataSet()
    {
        var dataSet = new DataSet();
        dataSet.SetString(DicomTags.TransactionUID, DicomVr.UI, TransactionUid);
        dataSet.Set(StorageCommitmentSequences.Build(DicomTags.ReferencedSOPSequence, dataSet, References.Select(r => (r.SopClassUid, r.SopInstanceUid, (ushort?)null))));
        return dataSet;
    }

    public byte[] Encode(string transferSyntaxUid) => StorageCommitmentSequences.Encode(ToDataSet(), transferSyntaxUid);

    /// <summary>Reads the request; a missing Transaction UID or an empty or incomplete sequence is a <see cref="StorageCommitmentFormatException"/>.</summary>
    public static StorageCommitmentRequest Parse(DataSet dataSet)
    {
        var transactionUid = dataSet.GetString(DicomTags.TransactionUID);
        if (string.IsNullOrEmpty(transactionUid))
        {
            throw new StorageCommitmentFormatException("Transaction UID (0008,1195) is missing.", isMissing: true);
        }

        var references = StorageCommitmentSequences.Read(dataSet, DicomTags.ReferencedSOPSequence, withReason: false)
            .Select(i => new ReferencedSop(i.SopClassUid, i.SopInstanceUid)).ToList();
        if (references.Count == 0)
        {
            throw new StorageCommitmentFormatException("Referenced SOP Sequence (0008,1199) is missing or empty.", isMissing: true);
        }

        return new StorageCommitmentRequest(transactionUid, references);
    }

    public static StorageCommitmentRequest Decode(ReadOnlyMemory<byte> encoded, string transferSyntaxUid) =>
        Parse(StorageCommitmentSequences.Decode(encoded, transferSyntaxUid));
}
