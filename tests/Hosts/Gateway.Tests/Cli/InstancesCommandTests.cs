using ImagingGateway.Application.Instances;
using ImagingGateway.Gateway.Cli;

namespace ImagingGateway.Gateway.Tests.Cli;

public sealed class InstancesCommandTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);

    public static TheoryData<InstanceDto, string> Cases() => new()
    {
        {
            Instance("job1", "COMPLETED") with { ImportOutcome = new() { Status = ImportOutcomeDto.Imported, JobId = "job1", ImageSetId = "set1", ImageSetVersion = "3", RecordedAt = At } },
            "imported into image set set1 (version 3) by job job1"
        },
        {
            Instance("job1", "COMPLETED") with { ImportOutcome = new() { Status = ImportOutcomeDto.Imported, JobId = "job1", ImageSetId = "set1", RecordedAt = At } },
            "imported into image set set1 by job job1"
        },
        {
            Instance("job1", "COMPLETED") with { ImportOutcome = new() { Status = ImportOutcomeDto.Failed, JobId = "job1", FailureReason = "ValidationException: bad pixel data", RecordedAt = At } },
            "failed: ValidationException: bad pixel data (job job1)"
        },
        { Instance(null, null), "not yet imported (batch B1 has no import job yet)" },
        { Instance("job2", "SUBMITTED"), "not yet imported (job job2, SUBMITTED)" },
        { Instance("job2", "IN_PROGRESS"), "not yet imported (job job2, IN_PROGRESS)" },
        { Instance("job3", "FAILED"), "not imported: job job3 FAILED (see: jobs show job3)" },
        { Instance("job4", "COMPLETED"), "job job4 is COMPLETED, but no outcome is recorded for this instance (see: jobs show job4)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GivenAnInstance_WhenDescribed_ThenTheLineSaysWhereItsImportStands(InstanceDto instance, string expected)
    {
        Assert.Equal(expected, InstancesCommand.Describe(instance));
    }

    [Fact]
    public void GivenCommittedAndFailedCommitments_WhenDescribed_ThenTheLineNamesTheOutcomeReasonTransactionAndTime()
    {
        var committed = new InstanceCommitmentDto { TransactionUid = "2.25.9", Status = InstanceCommitmentDto.Committed, ReportedAt = At };
        var failed = committed with { Status = InstanceCommitmentDto.Failed, FailureReason = "0x0110" };

        Assert.Equal("COMMITTED (transaction 2.25.9, reported 2026-11-28 05:00:00Z)", InstancesCommand.DescribeCommitment(committed));
        Assert.Equal("FAILED 0x0110 (transaction 2.25.9, reported 2026-11-28 05:00:00Z)", InstancesCommand.DescribeCommitment(failed));
    }

    private static InstanceDto Instance(string? jobId, string? jobStatus) => new()
    {
        SopInstanceUid = "1.2.3.1",
        SopClassUid = "1.2.840.10008.5.1.4.1.1.2",
        StudyInstanceUid = "1.2.3",
        SeriesInstanceUid = "1.2.3.4",
        TransferSyntaxUid = "1.2.840.10008.1.2.1",
        ObjectKey = "dicom/2026/11/28/B1/1.2.3.1.dcm",
        Location = "file:///data/instances/dicom/2026/11/28/B1/1.2.3.1.dcm",
        BatchId = "B1",
        ReceivedAt = At,
        JobId = jobId,
        JobStatus = jobStatus,
    };
}
