using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Imports.CheckImportStatus;

namespace ImagingGateway.Application.Tests.Imports.CheckImportStatus;

public sealed class InstanceOutcomesTests
{
    private const string Batch = "01JDQ5ZJ3K8X9F7N2B4C6D8E0G";
    private const string Sop = "1.2.826.0.1.3680043.8.498.1.1.7";

    [Theory]
    [InlineData("dicom/2026/11/28/" + Batch + "/" + Sop + ".dcm")]
    [InlineData("s3://dicom-bucket/dicom/2026/11/28/" + Batch + "/" + Sop + ".dcm")]
    [InlineData("/var/lib/gateway/data/instances/dicom/2026/11/28/" + Batch + "/" + Sop + ".dcm")]
    [InlineData("C:\\gateway\\dicom\\2026\\11\\28\\" + Batch + "\\" + Sop + ".dcm")]
    public void GivenAnInputFileOfTheBatch_WhenMapped_ThenItsSopInstanceUidIsFound(string inputFile)
    {
        Assert.Equal(Sop, InstanceOutcomes.SopInstanceUidOf(inputFile, Batch));
    }

    [Theory]
    [InlineData("dicom/2026/11/28/01JDQ60000000000000000000B/" + Sop + ".dcm")]
    [InlineData("dicom/2026/11/28/" + Batch + "/" + Sop + ".json")]
    [InlineData("dicom/2026/11/28/" + Batch + "/garbage.dcm")]
    [InlineData(Sop + ".dcm")]
    [InlineData("")]
    public void GivenAnInputFileNamingNoInstanceOfTheBatch_WhenMapped_ThenItIsNull(string inputFile)
    {
        Assert.Null(InstanceOutcomes.SopInstanceUidOf(inputFile, Batch));
    }

    [Fact]
    public void GivenResultsWithAnImageSetAndFailures_WhenTurnedIntoOutcomes_ThenOnePerInstanceAndUnmappedFilesAreReported()
    {
        var at = new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);
        var results = new ImportJobResults(
            4, 2, 2,
            [new ImportedImageSet("set1", null, null, ["1.2.3.1", "1.2.3.2"], "3")],
            [new ImportFailure($"dicom/2026/11/28/{Batch}/1.2.3.9.dcm", "bad pixel data"), new ImportFailure("elsewhere/x.dcm", "not ours")]);
        var unmapped = new List<string>();

        var outcomes = InstanceOutcomes.From(Batch, "job1", results, at, unmapped);

        Assert.Equal(
            [
                new InstanceImportOutcome("1.2.3.1", Batch, "job1", InstanceImportStatus.Imported, "set1", "3", null, at),
                new InstanceImportOutcome("1.2.3.2", Batch, "job1", InstanceImportStatus.Imported, "set1", "3", null, at),
                new InstanceImportOutcome("1.2.3.9", Batch, "job1", InstanceImportStatus.Failed, null, null, "bad pixel data", at),
            ],
            outcomes.OrderBy(o => o.Status).ThenBy(o => o.SopInstanceUid, StringComparer.Ordinal));
        Assert.Equal(["elsewhere/x.dcm"], unmapped);
    }
}
