using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Writing;

namespace ImagingGateway.Dicom.Tests.DataSets;

public class DataSetTests
{
    [Fact]
    public void GivenElementsSetOutOfOrder_WhenEncodedAsCommandSet_ThenAscendingAndReadableBack()
    {
        var command = new DataSet();
        command.SetUInt16(DicomTags.CommandDataSetType, 0x0101);
        command.SetString(DicomTags.AffectedSOPClassUID, DicomVr.UI, SopClasses.Verification.Value);
        command.SetUInt16(DicomTags.CommandField, 0x8030);
        command.SetUInt16(DicomTags.MessageIDBeingRespondedTo, 7);
        command.SetUInt16(DicomTags.Status, 0x0000);
        command.SetUInt16(DicomTags.Status, 0x0110);

        var bytes = DataSetWriter.Encode(command, TransferSyntax.ImplicitVRLittleEndian);
        var read = DataSetParser.Parse(bytes, TransferSyntax.ImplicitVRLittleEndian);

        Assert.Equal(command.Select(e => e.Tag), command.Select(e => e.Tag).Order());
        Assert.Equal(5, read.Count);
        Assert.Equal("1.2.840.10008.1.1", read.GetString(DicomTags.AffectedSOPClassUID));
        Assert.Equal(0x0110, read.GetInteger(DicomTags.Status));
        Assert.Equal(18, ((ValueElement)read.Find(DicomTags.AffectedSOPClassUID)!).Length);
        Assert.Equal(0, ((ValueElement)read.Find(DicomTags.AffectedSOPClassUID)!).Value.Span[^1]);
    }

    [Fact]
    public void GivenOddLengthText_WhenSet_ThenPaddedWithSpaceAndReadWithoutIt()
    {
        var dataSet = new DataSet();
        dataSet.SetString(DicomTags.PatientName, DicomVr.PN, "Doe^John", "Roe^Jane");

        var element = (ValueElement)dataSet.Find(DicomTags.PatientName)!;

        Assert.Equal(18, element.Length);
        Assert.Equal((byte)' ', element.Value.Span[^1]);
        Assert.Equal(["Doe^John", "Roe^Jane"], dataSet.GetStrings(DicomTags.PatientName));
    }
}
