using System.Buffers;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Commitment;

namespace ImagingGateway.Dicom.Tests.Network.Dimse.Commitment;

/// <summary>The N-ACTION and N-EVENT-REPORT command sets (PS3.7 10.1.4, 10.1.1) and the storage commitment data sets (PS3.4 J.3).</summary>
public class StorageCommitmentMessagesTests
{
    private const string CtImage = "1.2.840.10008.5.1.4.1.1.2";

    [Fact]
    public void GivenNActionRequest_WhenEncodedAndParsed_ThenRequestedUidsAndActionTypeRoundTrip()
    {
        var request = NActionMessages.CreateRequest(7, NetworkUids.StorageCommitmentPushModel, NetworkUids.StorageCommitmentPushModelInstance, 1);

        var parsed = CommandSet.Parse(new ReadOnlySequence<byte>(request.Encode()));

        Assert.Equal(CommandField.NActionRequest, parsed.CommandField);
        Assert.Equal((ushort)0x0130, (ushort)parsed.CommandField);
        Assert.Equal(7, parsed.MessageId);
        Assert.Equal("1.2.840.10008.1.20.1", parsed.RequestedSopClassUid);
        Assert.Equal("1.2.840.10008.1.20.1.1", parsed.RequestedSopInstanceUid);
        Assert.Equal((ushort)1, parsed.ActionTypeId);
        Assert.True(parsed.HasDataSet);
        Assert.Null(parsed.AffectedSopClassUid);
    }

    [Fact]
    public void GivenNActionRequest_WhenAnsweredWithSuccess_ThenResponseNamesAffectedUidsAndHasNoDataSet()
    {
        var request = NActionMessages.CreateRequest(9, NetworkUids.StorageCommitmentPushModel, NetworkUids.StorageCommitmentPushModelInstance, 1);

        var response = CommandSet.Parse(new ReadOnlySequence<byte>(NActionMessages.CreateResponse(request, DimseStatus.Success).Encode()));

        Assert.Equal((ushort)0x8130, (ushort)response.CommandField);
        Assert.Equal(9, response.MessageIdBeingRespondedTo);
        Assert.Equal(NetworkUids.StorageCommitmentPushModel, response.AffectedSopClassUid);
        Assert.Equal(NetworkUids.StorageCommitmentPushModelInstance, response.AffectedSopInstanceUid);
        Assert.Equal((ushort)1, response.ActionTypeId);
        Assert.False(response.HasDataSet);
        Assert.Equal(DimseStatus.Success, response.Status);
    }

    [Fact]
    public void GivenNActionRequest_WhenRefused_ThenResponseCarriesStatusAndComment()
    {
        var request = NActionMessages.CreateRequest(3, NetworkUids.StorageCommitmentPushModel, NetworkUids.StorageCommitmentPushModelInstance, 5);

        var response = NActionMessages.CreateResponse(request, DimseStatus.NoSuchActionType, "Only action type 1");

        Assert.Equal((ushort)0x0123, response.Status.Code);
        Assert.Equal("Only action type 1", response.ErrorComment);
        Assert.Null(response.ActionTypeId);
    }

    [Fact]
    public void GivenNEventReportRequest_WhenEncodedAndParsed_ThenAffectedUidsAndEventTypeRoundTrip()
    {
        var request = NEventReportMessages.CreateRequest(2, NetworkUids.StorageCommitmentPushModel, NetworkUids.StorageCommitmentPushModelInstance, 2);

        var parsed = CommandSet.Parse(new ReadOnlySequence<byte>(request.Encode()));

        Assert.Equal((ushort)0x0100, (ushort)parsed.CommandField);
        Assert.Equal(NetworkUids.StorageCommitmentPushModel, parsed.AffectedSopClassUid);
        Assert.Equal(NetworkUids.StorageCommitmentPushModelInstance, parsed.AffectedSopInstanceUid);
        Assert.Equal((ushort)2, parsed.EventTypeId);
        Assert.True(parsed.HasDataSet);
    }

    [Fact]
    public void GivenNEventReportRequest_WhenAnswered_ThenResponseEchoesEventTypeWithoutDataSet()
    {
        var request = NEventReportMessages.CreateRequest(4, NetworkUids.StorageCommitmentPushModel, NetworkUids.StorageCommitmentPushModelInstance, 1);

        var response = CommandSet.Parse(new ReadOnlySequence<byte>(NEventReportMessages.CreateResponse(request, DimseStatus.Success).Encode()));

        Assert.Equal((ushort)0x8100, (ushort)response.CommandField);
        Assert.Equal(4, response.MessageIdBeingRespondedTo);
        Assert.Equal((ushort)1, response.EventTypeId);
        Assert.Equal(NetworkUids.StorageCommitmentPushModelInstance, response.AffectedSopInstanceUid);
        Assert.False(response.HasDataSet);
    }

    [Theory]
    [InlineData(NetworkUids.ImplicitVrLittleEndian)]
    [InlineData(NetworkUids.ExplicitVrLittleEndian)]
    public void GivenCommitmentRequest_WhenEncodedInTransferSyntax_ThenItDecodesToTheSameReferences(string transferSyntax)
    {
        var request = new StorageCommitmentRequest("2.25.1234", [new ReferencedSop(CtImage, "1.2.3.4"), new ReferencedSop(CtImage, "1.2.3.5")]);

        var decoded = StorageCommitmentRequest.Decode(request.Encode(transferSyntax), transferSyntax);

        Assert.Equal("2.25.1234", decoded.TransactionUid);
        Assert.Equal(request.References, decoded.References);
    }

    [Fact]
    public void GivenCommitmentRequest_WhenEncoded_ThenTransactionUidAndReferencedSopSequenceUseTheirTags()
    {
        var dataSet = new StorageCommitmentRequest("2.25.99", [new ReferencedSop(CtImage, "1.2.3")]).ToDataSet();

        Assert.Equal("2.25.99", dataSet.GetString(new DicomTag(0x0008, 0x1195)));
        var item = Assert.Single(dataSet.GetSequence(new DicomTag(0x0008, 0x1199))!.Items);
        Assert.Equal(CtImage, item.GetString(new DicomTag(0x0008, 0x1150)));
        Assert.Equal("1.2.3", item.GetString(new DicomTag(0x0008, 0x1155)));
    }

    [Fact]
    public void GivenRequestWithoutTransactionUid_WhenParsed_ThenMissingAttributeIsReported()
    {
        var dataSet = new StorageCommitmentRequest("2.25.1", [new ReferencedSop(CtImage, "1.2.3")]).ToDataSet();
        dataSet.SetString(DicomTags.TransactionUID, DicomVr.UI, string.Empty);

        var error = Assert.Throws<StorageCommitmentFormatException>(() => StorageCommitmentRequest.Parse(dataSet));

        Assert.True(error.IsMissing);
    }

    [Fact]
    public void GivenResultWithFailures_WhenEncodedAndDecoded_ThenEventTypeIsTwoAndReasonsRoundTrip()
    {
        var result = new StorageCommitmentResult("2.25.7", [new ReferencedSop(CtImage, "1.2.3")],
            [new FailedSop(CtImage, "9.9.9", StorageCommitmentFailureReason.NoSuchObjectInstance), new FailedSop("1.2.840.10008.5.1.4.1.1.4", "1.2.4", StorageCommitmentFailureReason.ClassInstanceConflict)]);

        var decoded = StorageCommitmentResult.Decode(result.Encode(NetworkUids.ExplicitVrLittleEndian), NetworkUids.ExplicitVrLittleEndian);

        Assert.Equal(2, result.EventTypeId);
        Assert.Equal(result.Committed, decoded.Committed);
        Assert.Equal(result.Failed, decoded.Failed);
        Assert.Equal((ushort)0x0112, decoded.Failed[0].FailureReason);
        Assert.Equal((ushort)0x0119, decoded.Failed[1].FailureReason);
    }

    [Fact]
    public void GivenResultWithoutFailures_WhenEncoded_ThenEventTypeIsOneAndNoFailedSopSequence()
    {
        var result = new StorageCommitmentResult("2.25.8", [new ReferencedSop(CtImage, "1.2.3")], []);

        var dataSet = result.ToDataSet();

        Assert.Equal(1, result.EventTypeId);
        Assert.Null(dataSet.GetSequence(new DicomTag(0x0008, 0x1198)));
        Assert.Single(dataSet.GetSequence(new DicomTag(0x0008, 0x1199))!.Items);
    }

    [Fact]
    public void GivenFailedItemWithoutReason_WhenParsed_ThenMissingAttributeIsReported()
    {
        var dataSet = new StorageCommitmentResult("2.25.8", [], [new FailedSop(CtImage, "1.2.3", 0x0112)]).ToDataSet();
        var item = dataSet.GetSequence(DicomTags.FailedSOPSequence)!.Items[0];
        var withoutReason = new ImagingGateway.Dicom.DataSets.DataSet(dataSet);
        foreach (var element in item.Where(e => e.Tag != DicomTags.FailureReason))
        {
            withoutReason.Add(element);
        }

        dataSet.GetSequence(DicomTags.FailedSOPSequence)!.Items[0] = withoutReason;

        Assert.Throws<StorageCommitmentFormatException>(() => StorageCommitmentResult.Parse(dataSet));
    }
}
