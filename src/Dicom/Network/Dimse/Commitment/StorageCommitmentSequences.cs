using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Writing;

namespace ImagingGateway.Dicom.Network.Dimse.Commitment;

/// <summary>The SOP sequences shared by the request and the result (PS3.4 Tables J.3-1, J.3-2), and their wire encoding.</summary>
internal static class StorageCommitmentSequences
{
    public static SequenceElement Build(DicomTag tag, DataSet parent, IEnumerable<(string SopClassUid, string SopInstanceUid, ushort? Reason)> items)
    {
        var sequence = new SequenceElement(tag, hasUndefinedLength: false);
        foreach (var (sopClass, sopInstance, reason) in items)
        {
            var item = new DataSet(parent);
            item.SetString(DicomTags.ReferencedSOPClassUID, DicomVr.UI, sopClass);
            item.SetString(DicomTags.ReferencedSOPInstanceUID, DicomVr.UI, sopInstance);
            if (reason is { } r)
            {
                item.SetUInt16(DicomTags.FailureReason, r);
            }

            sequence.Items.Add(item);
        }

        return sequence;
    }

    public static IEnumerable<(string SopClassUid, string SopInstanceUid, ushort? Reason)> Read(DataSet dataSet, DicomTag tag, bool withReason)
    {
        var sequence = dataSet.GetSequence(tag);
        if (sequence is null)
        {
            yield break;
        }

        foreach (var item in sequence.Items)
        {
            var sopClass = item.GetString(DicomTags.ReferencedSOPClassUID);
            var sopInstance = item.GetString(DicomTags.ReferencedSOPInstanceUID);
            if (string.IsNullOrEmpty(sopClass) || string.IsNullOrEmpty(sopInstance))
            {
                throw new StorageCommitmentFormatException($"An item of {tag} lacks Referenced SOP Class or Instance UID (0008,1150 / 0008,1155).", isMissing: true);
            }

            ushort? reason = null;
            if (withReason)
            {
                var value = item.GetInteger(DicomTags.FailureReason)
                    ?? throw new StorageCommitmentFormatException($"An item of {tag} lacks Failure Reason (0008,1197).", isMissing: true);
                reason = (ushort)value;
            }

            yield return (sopClass, sopInstance, reason);
        }
    }

    public static byte[] Encode(DataSet dataSet, string transferSyntaxUid) =>
        DataSetWriter.Encode(dataSet, TransferSyntax.Lookup(transferSyntaxUid));

    public static DataSet Decode(ReadOnlyMemory<byte> encoded, string transferSyntaxUid)
    {
        try
        {
            return DataSetParser.Parse(encoded, TransferSyntax.Lookup(transferSyntaxUid));
        }
        catch (DicomFormatException e)
        {
            throw new StorageCommitmentFormatException("The storage commitment data set cannot be parsed: " + e.Message);
        }
    }
}
