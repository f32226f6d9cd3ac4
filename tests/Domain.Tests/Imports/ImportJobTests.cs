using ImagingGateway.Domain.Common;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Domain.Tests.Imports;

public sealed class ImportJobTests
{
    private static readonly DateTimeOffset Submitted = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Submitted.AddMinutes(3);

    public static TheoryData<ImportJobStatus, ImportJobStatus> Legal => new()
    {
        { ImportJobStatus.Submitted, ImportJobStatus.InProgress },
        { ImportJobStatus.Submitted, ImportJobStatus.Completed },
        { ImportJobStatus.Submitted, ImportJobStatus.Failed },
        { ImportJobStatus.InProgress, ImportJobStatus.Completed },
        { ImportJobStatus.InProgress, ImportJobStatus.Failed },
    };

    public static TheoryData<ImportJobStatus, ImportJobStatus> Illegal => new()
    {
        { ImportJobStatus.InProgress, ImportJobStatus.Submitted },
        { ImportJobStatus.Completed, ImportJobStatus.Submitted },
        { ImportJobStatus.Completed, ImportJobStatus.InProgress },
        { ImportJobStatus.Completed, ImportJobStatus.Failed },
        { ImportJobStatus.Failed, ImportJobStatus.Submitted },
        { ImportJobStatus.Failed, ImportJobStatus.InProgress },
        { ImportJobStatus.Failed, ImportJobStatus.Completed },
    };

    [Fact]
    public void GivenEveryPairOfStatuses_WhenClassified_ThenExactlyTheFiveForwardMovesAreLegal()
    {
        var legal = Enum.GetValues<ImportJobStatus>()
            .SelectMany(from => Enum.GetValues<ImportJobStatus>().Select(to => (from, to)))
            .Where(p => ImportJob.IsLegalTransition(p.from, p.to))
            .ToHashSet();

        Assert.Equal(Legal.Select(r => ((ImportJobStatus)r[0], (ImportJobStatus)r[1])).ToHashSet(), legal);
    }

    [Theory]
    [MemberData(nameof(Legal))]
    public void GivenALegalTransition_WhenApplied_ThenTheStatusMovesAndEndedAtIsSetExactlyForTerminalStates(ImportJobStatus from, ImportJobStatus to)
    {
        var job = JobIn(from);

        Assert.True(job.TransitionTo(to, Later, "note"));

        Assert.Equal(to, job.Status);
        Assert.Equal(to.IsTerminal() ? Later : null, job.EndedAt);
        Assert.Equal("note", job.Message);
    }

    [Theory]
    [MemberData(nameof(Illegal))]
    public void GivenAnIllegalTransition_WhenApplied_ThenADomainErrorNamesJobStatusAndNothingChanges(ImportJobStatus from, ImportJobStatus to)
    {
        var job = JobIn(from);
        var before = job.Snapshot;

        var ex = Assert.Throws<DomainException>(() => job.TransitionTo(to, Later, "late"));

        Assert.Equal("jobStatus", ex.Field);
        Assert.Contains($"from {from.ToWire()} to {to.ToWire()}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, job.Snapshot);
    }

    [Theory]
    [InlineData(ImportJobStatus.Completed)]
    [InlineData(ImportJobStatus.Failed)]
    public void GivenATerminalJob_WhenTheSameStatusArrivesWithANewMessage_ThenNothingChanges(ImportJobStatus terminal)
    {
        var job = JobIn(terminal);
        var before = job.Snapshot;

        Assert.False(job.TransitionTo(terminal, Later.AddHours(1), "different"));

        Assert.Equal(before, job.Snapshot);
    }

    [Fact]
    public void GivenAJobInProgress_WhenTheSameStatusArrivesWithANewMessage_ThenOnlyTheMessageChanges()
    {
        var job = JobIn(ImportJobStatus.InProgress);

        Assert.True(job.TransitionTo(ImportJobStatus.InProgress, Later, "50% done"));
        Assert.False(job.TransitionTo(ImportJobStatus.InProgress, Later, "50% done"));

        Assert.Equal(("50% done", ImportJobStatus.InProgress, (DateTimeOffset?)null), (job.Message, job.Status, job.EndedAt));
    }

    [Fact]
    public void GivenDetailsWithAnyStatus_WhenSubmitted_ThenTheJobIsSubmittedWithoutEndedAt()
    {
        var job = ImportJob.Submit(Snapshot() with { Status = ImportJobStatus.Completed, EndedAt = Later });

        Assert.Equal(ImportJobStatus.Submitted, job.Status);
        Assert.Null(job.EndedAt);
        Assert.False(job.IsTerminal);
        Assert.Equal(Submitted, job.SubmittedAt);
    }

    [Theory]
    [InlineData(ImportJobStatus.Completed, false)]
    [InlineData(ImportJobStatus.Failed, false)]
    [InlineData(ImportJobStatus.Submitted, true)]
    [InlineData(ImportJobStatus.InProgress, true)]
    public void GivenAStoredJobWhoseEndedAtContradictsItsStatus_WhenRestored_ThenADomainErrorNamesEndedAt(ImportJobStatus status, bool withEndedAt)
    {
        var snapshot = Snapshot() with { Status = status, EndedAt = withEndedAt ? Later : null };

        var ex = Assert.Throws<DomainException>(() => ImportJob.Restore(snapshot));

        Assert.Equal("endedAt", ex.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void GivenNoJobId_WhenSubmitted_ThenADomainErrorNamesJobId(string jobId)
    {
        var ex = Assert.Throws<DomainException>(() => ImportJob.Submit(Snapshot() with { JobId = jobId }));

        Assert.Equal("jobId", ex.Field);
    }

    [Fact]
    public void GivenAJob_WhenItCompletes_ThenEveryTableAttributeIsKept()
    {
        var job = ImportJob.Submit(Snapshot());

        job.TransitionTo(ImportJobStatus.InProgress, Submitted.AddMinutes(1));
        job.TransitionTo(ImportJobStatus.Completed, Later, "imported 2 of 2 files");

        Assert.Equal(Snapshot() with { Status = ImportJobStatus.Completed, EndedAt = Later, Message = "imported 2 of 2 files" }, job.Snapshot);
    }

    [Theory]
    [MemberData(nameof(Illegal))]
    public void GivenAStaleOrReplayedReport_WhenAdvanced_ThenTheJobDoesNotChange(ImportJobStatus from, ImportJobStatus reported)
    {
        var job = JobIn(from);
        var before = job.Snapshot;

        Assert.False(job.Advance(reported, Later, "stale"));

        Assert.Equal(before, job.Snapshot);
    }

    [Theory]
    [MemberData(nameof(Legal))]
    public void GivenAForwardReport_WhenAdvanced_ThenTheJobMovesAsTransitionToWould(ImportJobStatus from, ImportJobStatus reported)
    {
        var job = JobIn(from);

        Assert.True(job.Advance(reported, Later, "moved"));

        Assert.Equal((reported, reported.IsTerminal() ? Later : (DateTimeOffset?)null, "moved"), (job.Status, job.EndedAt, job.Message));
    }

    [Fact]
    public void GivenEveryPairOfStoredAndNewStatus_WhenAskedToReplace_ThenOnlyLegalMovesAndMessagesOfRunningJobsPass()
    {
        var allowed = Legal.Select(r => ((ImportJobStatus)r[0], (ImportJobStatus)r[1]))
            .Append((ImportJobStatus.Submitted, ImportJobStatus.Submitted))
            .Append((ImportJobStatus.InProgress, ImportJobStatus.InProgress))
            .ToHashSet();
        foreach (var stored in Enum.GetValues<ImportJobStatus>())
        {
            foreach (var next in Enum.GetValues<ImportJobStatus>())
            {
                var error = Record.Exception(() => JobIn(next).EnsureCanReplace(stored));

                if (allowed.Contains((stored, next)))
                {
                    Assert.Null(error);
                }
                else
                {
                    Assert.Equal("jobStatus", Assert.IsType<DomainException>(error).Field);
                }
            }
        }
    }

    [Theory]
    [InlineData(ImportJobStatus.Completed)]
    [InlineData(ImportJobStatus.Failed)]
    public void GivenAnEndedJob_WhenItsRetryIsLinked_ThenOnlyRetriedByChanges(ImportJobStatus status)
    {
        var job = JobIn(status);
        var before = job.Snapshot;

        job.LinkRetry("retryjob");

        Assert.Equal(before with { RetriedBy = "retryjob" }, job.Snapshot);
    }

    [Theory]
    [InlineData(ImportJobStatus.Submitted, "retryjob")]
    [InlineData(ImportJobStatus.InProgress, "retryjob")]
    [InlineData(ImportJobStatus.Failed, "")]
    [InlineData(ImportJobStatus.Failed, "0123456789abcdef0123456789abcdef")]
    public void GivenARunningJobOrABadRetryId_WhenARetryIsLinked_ThenADomainErrorAndNoChange(ImportJobStatus status, string retryJobId)
    {
        var job = JobIn(status);
        var before = job.Snapshot;

        var ex = Assert.Throws<DomainException>(() => job.LinkRetry(retryJobId));

        Assert.Equal("retriedBy", ex.Field);
        Assert.Equal(before, job.Snapshot);
    }

    private static ImportJob JobIn(ImportJobStatus status)
    {
        var job = ImportJob.Submit(Snapshot());
        if (status == ImportJobStatus.Submitted)
        {
            return job;
        }

        if (status != ImportJobStatus.InProgress)
        {
            return ImportJob.Restore(job.Snapshot with { Status = status, EndedAt = Submitted.AddMinutes(1) });
        }

        job.TransitionTo(ImportJobStatus.InProgress, Submitted.AddSeconds(30));
        return job;
    }

    private static ImportJobSnapshot Snapshot() => new(
        "0123456789abcdef0123456789abcdef", ImportJobStatus.Submitted, Submitted, "s3://dicom/dicom/2026/11/28/B/",
        "s3://results/B/", "datastore", "arn:aws:iam::123456789012:role/import", "20261128", "1.2.3", "1.2.3.4", "1.2.3.4.5",
        null, null, "B", 2, 2048);
}
