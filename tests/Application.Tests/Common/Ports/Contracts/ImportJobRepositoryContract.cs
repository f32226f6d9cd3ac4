using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Common;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Tests.Contracts;

/// <summary>
/// What every <see cref="IImportJobRepository"/> promises, run against each adapter: conditional create, conditional
/// update that returns false on a lost race and throws on a move the <see cref="ImportJob"/> aggregate refuses, lists
/// newest first that page without gaps, counts by status, and storage commitments recorded on any job, the fullest
/// count of each transaction kept.
/// </summary>
public abstract class ImportJobRepositoryContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);

    /// <summary>An empty repository of the adapter under test.</summary>
    protected abstract Task<IImportJobRepository> CreateRepositoryAsync();

    [Fact]
    public async Task GivenANewJob_WhenCreated_ThenEveryAttributeReadsBack()
    {
        var repository = await CreateRepositoryAsync();
        var job = Job("c-1", T0);

        Assert.True(await repository.CreateIfAbsentAsync(job, CancellationToken.None));

        Assert.Equal(job.Snapshot, (await repository.GetAsync("c-1", CancellationToken.None))?.Snapshot);
        Assert.Null(await repository.GetAsync("c-absent", CancellationToken.None));
    }

    [Fact]
    public async Task GivenARetryJob_WhenCreated_ThenItsRetryLinksReadBack()
    {
        var repository = await CreateRepositoryAsync();
        var job = ImportJob.Restore(Snapshot("c-r1", ImportJobStatus.Failed, T0, "1.2.840.99", "failed") with { RetryOf = "c-orig", RetriedBy = "c-r2" });

        Assert.True(await repository.CreateIfAbsentAsync(job, CancellationToken.None));

        var stored = (await repository.GetAsync("c-r1", CancellationToken.None))!;
        Assert.Equal(job.Snapshot, stored.Snapshot);
        Assert.Equal("c-orig", stored.RetryOf);
        Assert.Equal("c-r2", stored.RetriedBy);
    }

    [Fact]
    public async Task GivenAFailedJob_WhenItsRetryIsLinked_ThenOnlyRetriedByChangesAndAnAbsentJobIsFalse()
    {
        var repository = await CreateRepositoryAsync();
        var failed = Restored("c-f1", ImportJobStatus.Failed, "import failed");
        await repository.CreateIfAbsentAsync(failed, CancellationToken.None);

        failed.LinkRetry("c-f2");
        Assert.True(await repository.SetRetriedByAsync(failed, CancellationToken.None));
        var absent = Restored("c-absent", ImportJobStatus.Failed, "x");
        absent.LinkRetry("c-f3");
        Assert.False(await repository.SetRetriedByAsync(absent, CancellationToken.None));

        var stored = (await repository.GetAsync("c-f1", CancellationToken.None))!;
        Assert.Equal(failed.Snapshot with { RetriedBy = "c-f2" }, stored.Snapshot);
        Assert.Null(await repository.GetAsync("c-absent", CancellationToken.None));
    }

    [Fact]
    public async Task GivenAnEndedJob_WhenCommitmentsAreRecorded_ThenTheyReadBackOldestFirstAndAnAbsentJobIsFalse()
    {
        var repository = await CreateRepositoryAsync();
        var job = Restored("c-k1", ImportJobStatus.Completed, "2 imported");
        await repository.CreateIfAbsentAsync(job, CancellationToken.None);
        var first = new ImportJobCommitment("1.2.826.0.1.3680043.8.498.10", 2, 1, T0.AddMinutes(5));
        var second = new ImportJobCommitment("1.2.826.0.1.3680043.8.498.11", 3, 0, T0.AddMinutes(9));

        Assert.True(await repository.RecordCommitmentsAsync("c-k1", [second], CancellationToken.None));
        Assert.True(await repository.RecordCommitmentsAsync("c-k1", [first, second], CancellationToken.None));
        Assert.False(await repository.RecordCommitmentsAsync("c-absent", [first], CancellationToken.None));

        var stored = (await repository.GetAsync("c-k1", CancellationToken.None))!;
        Assert.Equal([first, second], stored.Commitments);
        Assert.Equal(job.Snapshot, stored.Snapshot with { Commitments = null });
        Assert.Null(await repository.GetAsync("c-absent", CancellationToken.None));
    }

    [Fact]
    public async Task GivenARecordedCommitment_WhenAPartialCountOrAStatusUpdateFollows_ThenTheFullestCountStays()
    {
        var repository = await CreateRepositoryAsync();
        var job = Restored("c-k2", ImportJobStatus.InProgress, "importing");
        await repository.CreateIfAbsentAsync(job, CancellationToken.None);
        const string Transaction = "1.2.826.0.1.3680043.8.498.12";
        var full = new ImportJobCommitment(Transaction, 3, 1, T0.AddMinutes(5));

        await repository.RecordCommitmentsAsync("c-k2", [new ImportJobCommitment(Transaction, 1, 0, T0.AddMinutes(5))], CancellationToken.None);
        await repository.RecordCommitmentsAsync("c-k2", [full], CancellationToken.None);
        await repository.RecordCommitmentsAsync("c-k2", [new ImportJobCommitment(Transaction, 2, 0, T0.AddMinutes(7))], CancellationToken.None);
        job.TransitionTo(ImportJobStatus.Completed, T0.AddMinutes(8), "done");
        Assert.True(await repository.TryUpdateAsync(job, ImportJobStatus.InProgress, CancellationToken.None));

        var stored = (await repository.GetAsync("c-k2", CancellationToken.None))!;
        Assert.Equal([full], stored.Commitments);
        Assert.Equal(ImportJobStatus.Completed, stored.Status);
    }

    [Fact]
    public async Task GivenAnExistingJob_WhenCreatedAgain_ThenFalseAndTheStoredJobIsUnchanged()
    {
        var repository = await CreateRepositoryAsync();
        await repository.CreateIfAbsentAsync(Job("c-2", T0, study: "1.2.3"), CancellationToken.None);

        Assert.False(await repository.CreateIfAbsentAsync(Job("c-2", T0.AddHours(1), study: "9.9.9"), CancellationToken.None));

        var stored = (await repository.GetAsync("c-2", CancellationToken.None))!;
        Assert.Equal(T0, stored.SubmittedAt);
        Assert.Equal("1.2.3", stored.Snapshot.StudyInstanceUid);
    }

    [Fact]
    public async Task GivenASubmittedJob_WhenMovedThroughItsStatesWithTheExpectedStatus_ThenEachUpdateIsStored()
    {
        var repository = await CreateRepositoryAsync();
        var job = Job("c-3", T0);
        await repository.CreateIfAbsentAsync(job, CancellationToken.None);

        Assert.True(job.TransitionTo(ImportJobStatus.InProgress, T0.AddMinutes(1), "50% done"));
        Assert.True(await repository.TryUpdateAsync(job, ImportJobStatus.Submitted, CancellationToken.None));
        Assert.True(job.TransitionTo(ImportJobStatus.InProgress, T0.AddMinutes(2), "75% done"));
        Assert.True(await repository.TryUpdateAsync(job, ImportJobStatus.InProgress, CancellationToken.None));
        Assert.True(job.TransitionTo(ImportJobStatus.Completed, T0.AddMinutes(3), "3 of 3 imported"));
        Assert.True(await repository.TryUpdateAsync(job, ImportJobStatus.InProgress, CancellationToken.None));

        var stored = (await repository.GetAsync("c-3", CancellationToken.None))!;
        Assert.Equal(ImportJobStatus.Completed, stored.Status);
        Assert.Equal(T0.AddMinutes(3), stored.EndedAt);
        Assert.Equal("3 of 3 imported", stored.Message);
        Assert.Equal(job.Snapshot, stored.Snapshot);
    }

    [Fact]
    public async Task GivenAJobAnotherWriterMovedFirst_WhenUpdatedWithTheStaleExpectedStatus_ThenFalseAndTheOtherWriteStays()
    {
        var repository = await CreateRepositoryAsync();
        await repository.CreateIfAbsentAsync(Job("c-4", T0), CancellationToken.None);
        var first = (await repository.GetAsync("c-4", CancellationToken.None))!;
        var second = (await repository.GetAsync("c-4", CancellationToken.None))!;
        first.TransitionTo(ImportJobStatus.Failed, T0.AddMinutes(1), "input not found");
        second.TransitionTo(ImportJobStatus.InProgress, T0.AddMinutes(1));

        Assert.True(await repository.TryUpdateAsync(first, ImportJobStatus.Submitted, CancellationToken.None));
        Assert.False(await repository.TryUpdateAsync(second, ImportJobStatus.Submitted, CancellationToken.None));

        var stored = (await repository.GetAsync("c-4", CancellationToken.None))!;
        Assert.Equal(ImportJobStatus.Failed, stored.Status);
        Assert.Equal("input not found", stored.Message);
    }

    [Fact]
    public async Task GivenNoStoredJob_WhenUpdated_ThenFalseAndNothingIsCreated()
    {
        var repository = await CreateRepositoryAsync();
        var job = Job("c-5", T0);
        job.TransitionTo(ImportJobStatus.InProgress, T0.AddMinutes(1));

        Assert.False(await repository.TryUpdateAsync(job, ImportJobStatus.Submitted, CancellationToken.None));

        Assert.Null(await repository.GetAsync("c-5", CancellationToken.None));
    }

    [Theory]
    [InlineData(ImportJobStatus.Completed, ImportJobStatus.InProgress)] // backwards
    [InlineData(ImportJobStatus.Completed, ImportJobStatus.Failed)] // out of a terminal state
    [InlineData(ImportJobStatus.InProgress, ImportJobStatus.Submitted)] // backwards
    [InlineData(ImportJobStatus.Failed, ImportJobStatus.Failed)] // a terminal job never changes again
    public async Task GivenAStoredJob_WhenAskedForAMoveTheAggregateRefuses_ThenADomainErrorAndTheStoredJobIsUnchanged(
        ImportJobStatus stored, ImportJobStatus requested)
    {
        var repository = await CreateRepositoryAsync();
        var original = Restored("c-6", stored, "as stored");
        await repository.CreateIfAbsentAsync(original, CancellationToken.None);
        var illegal = Restored("c-6", requested, "illegal write");

        var error = await Assert.ThrowsAsync<DomainException>(() => repository.TryUpdateAsync(illegal, stored, CancellationToken.None));

        Assert.Equal("jobStatus", error.Field);
        Assert.Equal(original.Snapshot, (await repository.GetAsync("c-6", CancellationToken.None))!.Snapshot);
    }

    [Fact]
    public async Task GivenJobsOfSeveralStatusesAndStudies_WhenListedInSmallPages_ThenEachListIsNewestFirstWithoutGapsOrRepeats()
    {
        var repository = await CreateRepositoryAsync();
        for (var i = 0; i < 7; i++)
        {
            var job = Job($"l-{i}", T0.AddMinutes(i), study: i % 2 == 0 ? "1.2.3.2" : "1.2.3.1");
            await repository.CreateIfAbsentAsync(job, CancellationToken.None);
            if (i % 3 == 0)
            {
                job.TransitionTo(ImportJobStatus.InProgress, T0.AddMinutes(i + 1));
                Assert.True(await repository.TryUpdateAsync(job, ImportJobStatus.Submitted, CancellationToken.None));
            }
        }

        Assert.Equal(["l-6", "l-5", "l-4", "l-3", "l-2", "l-1", "l-0"], await CollectAsync(t => repository.ListAsync(new PageRequest(3, t), CancellationToken.None)));
        Assert.Equal(["l-6", "l-3", "l-0"], await CollectAsync(t => repository.ListByStatusAsync(ImportJobStatus.InProgress, new PageRequest(2, t), CancellationToken.None)));
        Assert.Equal(["l-5", "l-4", "l-2", "l-1"], await CollectAsync(t => repository.ListByStatusAsync(ImportJobStatus.Submitted, new PageRequest(2, t), CancellationToken.None)));
        Assert.Empty(await CollectAsync(t => repository.ListByStatusAsync(ImportJobStatus.Failed, new PageRequest(2, t), CancellationToken.None)));
        Assert.Equal(["l-6", "l-4", "l-2", "l-0"], await CollectAsync(t => repository.ListByStudyAsync("1.2.3.2", new PageRequest(3, t), CancellationToken.None)));
    }

    [Fact]
    public async Task GivenJobsInEveryStatusButOne_WhenCounted_ThenEachStatusHasItsCountAndTheMissingOneZero()
    {
        var repository = await CreateRepositoryAsync();
        var empty = await repository.CountByStatusAsync(Enum.GetValues<ImportJobStatus>(), CancellationToken.None);
        Assert.Equal(Enum.GetValues<ImportJobStatus>(), empty.Where(kv => kv.Value == 0).Select(kv => kv.Key).Order());
        var targets = new[] { ImportJobStatus.Submitted, ImportJobStatus.Submitted, ImportJobStatus.InProgress, ImportJobStatus.Completed, ImportJobStatus.Completed, ImportJobStatus.Completed };
        for (var i = 0; i < targets.Length; i++)
        {
            var job = Job($"n-{i}", T0.AddMinutes(i));
            await repository.CreateIfAbsentAsync(job, CancellationToken.None);
            if (targets[i] != ImportJobStatus.Submitted)
            {
                job.TransitionTo(targets[i], T0.AddMinutes(i + 1));
                Assert.True(await repository.TryUpdateAsync(job, ImportJobStatus.Submitted, CancellationToken.None));
            }
        }

        var counts = await repository.CountByStatusAsync(Enum.GetValues<ImportJobStatus>(), CancellationToken.None);
        var open = await repository.CountByStatusAsync([ImportJobStatus.Submitted, ImportJobStatus.InProgress], CancellationToken.None);

        Assert.Equal(
            new Dictionary<ImportJobStatus, long> { [ImportJobStatus.Submitted] = 2, [ImportJobStatus.InProgress] = 1 },
            open.OrderBy(kv => kv.Key).ToDictionary());
        Assert.Equal(
            new Dictionary<ImportJobStatus, long>
            {
                [ImportJobStatus.Submitted] = 2,
                [ImportJobStatus.InProgress] = 1,
                [ImportJobStatus.Completed] = 3,
                [ImportJobStatus.Failed] = 0,
            },
            counts.OrderBy(kv => kv.Key).ToDictionary());
    }

    protected static ImportJob Job(string id, DateTimeOffset submittedAt, string? study = "1.2.840.99") =>
        ImportJob.Submit(Snapshot(id, ImportJobStatus.Submitted, submittedAt, study, null));

    private static ImportJob Restored(string id, ImportJobStatus status, string message) =>
        ImportJob.Restore(Snapshot(id, status, T0, "1.2.840.99", message));

    private static ImportJobSnapshot Snapshot(string id, ImportJobStatus status, DateTimeOffset submittedAt, string? study, string? message) => new(
        JobId: id,
        Status: status,
        SubmittedAt: submittedAt,
        InputS3Uri: "s3://dicom/dicom/2026/11/28/01JDQ8Z6Y3N6S0V5K8E2M4T7QW/",
        OutputS3Uri: "s3://results/01JDQ8Z6Y3N6S0V5K8E2M4T7QW/",
        DatastoreId: "0123456789abcdef0123456789abcdef",
        DataAccessRoleArn: "arn:aws:iam::111122223333:role/import",
        StudyDate: "20261128",
        StudyInstanceUid: study,
        SeriesInstanceUid: "1.2.840.99.1",
        SopInstanceUid: "1.2.840.99.1.1",
        EndedAt: status.IsTerminal() ? submittedAt.AddMinutes(30) : null,
        Message: message,
        BatchId: "01JDQ8Z6Y3N6S0V5K8E2M4T7QW",
        InstanceCount: 12,
        TotalBytes: 123456);

    private static async Task<List<string>> CollectAsync(Func<string?, Task<Page<ImportJob>>> list)
    {
        var ids = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await list(token);
            ids.AddRange(page.Items.Select(j => j.JobId));
            token = page.ContinuationToken;
            Assert.True(++pages < 50, "paging does not end");
        }
        while (token is not null);

        return ids;
    }
}
