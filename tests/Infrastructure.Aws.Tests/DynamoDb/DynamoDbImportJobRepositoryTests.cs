using Amazon.DynamoDBv2.Model;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Common;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Infrastructure.Aws.DynamoDb;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.Tests.DynamoDb;

public sealed class DynamoDbImportJobRepositoryTests(DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GivenNewJob_WhenCreated_ThenTheItemHasTheTableAttributesExactly()
    {
        var (repository, table) = await CreateAsync();
        var job = Job("a1", T0, study: "1.2.3");

        Assert.True(await repository.CreateIfAbsentAsync(job, CancellationToken.None));

        using var client = dynalite.CreateClient();
        var item = (await client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["jobId"] = new AttributeValue { S = "a1" } } })).Item;
        Assert.Equal(
            ["batchId", "dataAccessRoleArn", "datastoreId", "inputS3Uri", "instanceCount", "jobId", "jobStatus", "outputS3Uri",
             "seriesInstanceUID", "sopInstanceUID", "studyDate", "studyInstanceUID", "submittedAt", "totalBytes"],
            item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("SUBMITTED", item["jobStatus"].S);
        Assert.Equal("2026-11-28T04:00:00.000Z", item["submittedAt"].S);
        Assert.Equal("12", item["instanceCount"].N);
        Assert.Equal("s3://dicom/dicom/2026/11/28/B/", item["inputS3Uri"].S);
        var stored = await repository.GetAsync("a1", CancellationToken.None);
        Assert.Equal(job.Snapshot, stored!.Snapshot);
    }

    [Fact]
    public async Task GivenExistingJob_WhenCreatedAgain_ThenFalseAndTheStoredJobIsUnchanged()
    {
        var (repository, _) = await CreateAsync();
        await repository.CreateIfAbsentAsync(Job("a2", T0), CancellationToken.None);
        var replay = Job("a2", T0.AddHours(1));

        Assert.False(await repository.CreateIfAbsentAsync(replay, CancellationToken.None));

        Assert.Equal(T0, (await repository.GetAsync("a2", CancellationToken.None))!.SubmittedAt);
    }

    [Fact]
    public async Task GivenSubmittedJob_WhenMovedThroughItsStates_ThenEachConditionalUpdateApplies()
    {
        var (repository, _) = await CreateAsync();
        var job = Job("a3", T0);
        await repository.CreateIfAbsentAsync(job, CancellationToken.None);

        job.TransitionTo(ImportJobStatus.InProgress, T0.AddMinutes(1));
        Assert.True(await repository.TryUpdateAsync(job, ImportJobStatus.Submitted, CancellationToken.None));
        job.TransitionTo(ImportJobStatus.Completed, T0.AddMinutes(2), "3 of 3 imported");
        Assert.True(await repository.TryUpdateAsync(job, ImportJobStatus.InProgress, CancellationToken.None));

        var stored = (await repository.GetAsync("a3", CancellationToken.None))!;
        Assert.Equal(ImportJobStatus.Completed, stored.Status);
        Assert.Equal(T0.AddMinutes(2), stored.EndedAt);
        Assert.Equal("3 of 3 imported", stored.Message);
    }

    [Fact]
    public async Task GivenCompletedJob_WhenAReplayedPollOrARewriteTriesToMoveIt_ThenNothingChanges()
    {
        var (repository, _) = await CreateAsync();
        var job = Job("a5", T0);
        await repository.CreateIfAbsentAsync(job, CancellationToken.None);
        job.TransitionTo(ImportJobStatus.Completed, T0.AddMinutes(3));
        await repository.TryUpdateAsync(job, ImportJobStatus.Submitted, CancellationToken.None);
        var replayed = Job("a5", T0);
        replayed.TransitionTo(ImportJobStatus.InProgress, T0.AddMinutes(1));

        Assert.False(await repository.TryUpdateAsync(replayed, ImportJobStatus.Submitted, CancellationToken.None));
        await Assert.ThrowsAsync<DomainException>(() => repository.TryUpdateAsync(job, ImportJobStatus.Completed, CancellationToken.None));

        var stored = (await repository.GetAsync("a5", CancellationToken.None))!;
        Assert.Equal(ImportJobStatus.Completed, stored.Status);
        Assert.Equal(T0.AddMinutes(3), stored.EndedAt);
    }

    [Fact]
    public async Task GivenJobsInSeveralStates_WhenListingByStatus_ThenPagesAreNewestFirstAndComplete()
    {
        var (repository, _) = await CreateAsync();
        for (var i = 0; i < 7; i++)
        {
            await repository.CreateIfAbsentAsync(Job($"s{i}", T0.AddMinutes(i)), CancellationToken.None);
        }

        var moved = Job("moved", T0.AddMinutes(30));
        await repository.CreateIfAbsentAsync(moved, CancellationToken.None);
        moved.TransitionTo(ImportJobStatus.InProgress, T0.AddMinutes(31));
        await repository.TryUpdateAsync(moved, ImportJobStatus.Submitted, CancellationToken.None);

        var (ids, pages) = await CollectAsync(token => repository.ListByStatusAsync(ImportJobStatus.Submitted, new PageRequest(3, token), CancellationToken.None));

        Assert.Equal(["s6", "s5", "s4", "s3", "s2", "s1", "s0"], ids);
        Assert.Equal(3, pages);
        var inProgress = await repository.ListByStatusAsync(ImportJobStatus.InProgress, new PageRequest(10), CancellationToken.None);
        Assert.Equal(["moved"], inProgress.Items.Select(j => j.JobId));
        Assert.Null(inProgress.ContinuationToken);
    }

    [Fact]
    public async Task GivenJobsOfTwoStudies_WhenListingByStudy_ThenOnlyThatStudyNewestFirstAcrossPages()
    {
        var (repository, _) = await CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            await repository.CreateIfAbsentAsync(Job($"x{i}", T0.AddMinutes(i), study: "1.2.840.1"), CancellationToken.None);
            await repository.CreateIfAbsentAsync(Job($"y{i}", T0.AddMinutes(i), study: "1.2.840.2"), CancellationToken.None);
        }

        var (ids, pages) = await CollectAsync(token => repository.ListByStudyAsync("1.2.840.1", new PageRequest(2, token), CancellationToken.None));

        Assert.Equal(["x4", "x3", "x2", "x1", "x0"], ids);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task GivenJobsInEveryState_WhenListingAll_ThenEveryJobComesOnceNewestFirstAcrossPages()
    {
        var (repository, _) = await CreateAsync();
        var statuses = new[] { ImportJobStatus.Submitted, ImportJobStatus.InProgress, ImportJobStatus.Completed, ImportJobStatus.Failed };
        for (var i = 0; i < 11; i++)
        {
            var job = Job($"j{i:00}", T0.AddMinutes(i));
            await repository.CreateIfAbsentAsync(job, CancellationToken.None);
            var target = statuses[i % 4];
            if (target != ImportJobStatus.Submitted)
            {
                job.TransitionTo(target, T0.AddMinutes(i + 1));
                Assert.True(await repository.TryUpdateAsync(job, ImportJobStatus.Submitted, CancellationToken.None));
            }
        }

        var (ids, pages) = await CollectAsync(token => repository.ListAsync(new PageRequest(4, token), CancellationToken.None));

        Assert.Equal(Enumerable.Range(0, 11).Reverse().Select(i => $"j{i:00}"), ids);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task GivenForgedContinuationToken_WhenListing_ThenArgumentException()
    {
        var (repository, _) = await CreateAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => repository.ListByStatusAsync(ImportJobStatus.Submitted, new PageRequest(5, "not-a-token!"), CancellationToken.None));
    }

    private static async Task<(List<string> Ids, int Pages)> CollectAsync(Func<string?, Task<Page<ImportJob>>> list)
    {
        var ids = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await list(token);
            pages++;
            ids.AddRange(page.Items.Select(j => j.JobId));
            token = page.ContinuationToken;
            Assert.True(pages < 50, "paging does not end");
        }
        while (token is not null);

        return (ids, pages);
    }

    private async Task<(DynamoDbImportJobRepository Repository, string Table)> CreateAsync()
    {
        var table = await dynalite.CreateJobTableAsync();
        return (new DynamoDbImportJobRepository(dynalite.CreateClient(), Options.Create(new AwsOptions { JobTable = table })), table);
    }

    private static ImportJob Job(string id, DateTimeOffset submittedAt, string? study = "1.2.840.99") => ImportJob.Submit(new ImportJobSnapshot(
        JobId: id,
        Status: ImportJobStatus.Submitted,
        SubmittedAt: submittedAt,
        InputS3Uri: "s3://dicom/dicom/2026/11/28/B/",
        OutputS3Uri: "s3://results/B/",
        DatastoreId: "0123456789abcdef0123456789abcdef",
        DataAccessRoleArn: "arn:aws:iam::111122223333:role/import",
        StudyDate: "20261128",
        StudyInstanceUid: study,
        SeriesInstanceUid: "1.2.840.99.1",
        SopInstanceUid: "1.2.840.99.1.1",
        EndedAt: null,
        Message: null,
        BatchId: "01JDQ8Z6Y3N6S0V5K8E2M4T7QW",
        InstanceCount: 12,
        TotalBytes: 123456));
}
