using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;

namespace ImagingGateway.Infrastructure.Local.Tests.Sqlite;

public sealed class SqliteImportJobRepositoryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly SqliteImportJobRepository _repository;

    public SqliteImportJobRepositoryTests()
    {
        _repository = new SqliteImportJobRepository(new SqliteDatabase(_temp.Combine("gateway.db")));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public async Task GivenNewJob_WhenCreated_ThenEveryAttributeReadsBack()
    {
        var job = Job("job-1", T0, study: "1.2.3", batchId: "01JDQ5ZJ3K8X9F7N2B4C6D8E0G");

        Assert.True(await _repository.CreateIfAbsentAsync(job, default));

        var stored = await _repository.GetAsync("job-1", default);
        Assert.NotNull(stored);
        Assert.Equal(job.Snapshot, stored.Snapshot);
    }

    [Fact]
    public async Task GivenATableOfAnEarlierVersionWithoutCommitments_WhenOpened_ThenTheColumnIsAddedAndAJobTakesACommitment()
    {
        var path = _temp.Combine("old.db");
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = $"""
                CREATE TABLE {SqliteImportJobRepository.TableName} (
                    jobId TEXT NOT NULL PRIMARY KEY, jobStatus TEXT NOT NULL, submittedAt TEXT NOT NULL, inputS3Uri TEXT NOT NULL,
                    outputS3Uri TEXT NOT NULL, datastoreId TEXT NOT NULL, dataAccessRoleArn TEXT NOT NULL, studyDate TEXT NULL,
                    studyInstanceUID TEXT NULL, seriesInstanceUID TEXT NULL, sopInstanceUID TEXT NULL, endedAt TEXT NULL,
                    message TEXT NULL, batchId TEXT NULL, instanceCount INTEGER NOT NULL DEFAULT 0, totalBytes INTEGER NOT NULL DEFAULT 0,
                    retryOf TEXT NULL, retriedBy TEXT NULL) WITHOUT ROWID;
                INSERT INTO {SqliteImportJobRepository.TableName} (jobId, jobStatus, submittedAt, inputS3Uri, outputS3Uri, datastoreId, dataAccessRoleArn)
                VALUES ('job-old', 'SUBMITTED', '2026-11-28T05:00:00.0000000Z', 's3://in/', 's3://out/', 'ds', 'arn:aws:iam::1:role/r');
                """;
            await create.ExecuteNonQueryAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var repository = new SqliteImportJobRepository(new SqliteDatabase(path));
        var commitment = new ImportJobCommitment("2.25.7", 1, 0, T0);

        Assert.True(await repository.RecordCommitmentsAsync("job-old", [commitment], default));

        Assert.Equal([commitment], (await repository.GetAsync("job-old", default))!.Commitments);
    }

    [Fact]
    public async Task GivenExistingJob_WhenCreatedAgain_ThenNothingChanges()
    {
        await _repository.CreateIfAbsentAsync(Job("job-1", T0, study: "1.2.3"), default);

        Assert.False(await _repository.CreateIfAbsentAsync(Job("job-1", T0.AddHours(1), study: "9.9.9"), default));
        Assert.Equal("1.2.3", (await _repository.GetAsync("job-1", default))!.Snapshot.StudyInstanceUid);
    }

    [Fact]
    public async Task GivenSubmittedJob_WhenUpdatedWithTheExpectedStatus_ThenItMovesForward()
    {
        var job = Job("job-1", T0);
        await _repository.CreateIfAbsentAsync(job, default);
        job.TransitionTo(ImportJobStatus.InProgress, T0.AddSeconds(1));

        Assert.True(await _repository.TryUpdateAsync(job, ImportJobStatus.Submitted, default));
        Assert.Equal(ImportJobStatus.InProgress, (await _repository.GetAsync("job-1", default))!.Status);
    }

    [Fact]
    public async Task GivenRunningJob_WhenOnlyTheMessageChanges_ThenItIsWritten()
    {
        var job = Job("job-1", T0);
        await _repository.CreateIfAbsentAsync(job, default);
        job.TransitionTo(ImportJobStatus.Submitted, T0, "waiting for quota");

        Assert.True(await _repository.TryUpdateAsync(job, ImportJobStatus.Submitted, default));
        Assert.Equal("waiting for quota", (await _repository.GetAsync("job-1", default))!.Message);
    }

    [Fact]
    public async Task GivenUnknownJob_WhenRead_ThenNull() =>
        Assert.Null(await _repository.GetAsync("nope", default));

    [Fact]
    public async Task GivenManyJobs_WhenListingByStatusInPages_ThenEveryMatchComesOnceNewestFirst()
    {
        for (var i = 0; i < 25; i++)
        {
            var job = Job($"job-{i:D2}", T0.AddMinutes(i % 7), study: i % 2 == 0 ? "1.2.even" : "1.2.odd");
            if (i % 3 == 0)
            {
                job.TransitionTo(ImportJobStatus.Completed, T0.AddHours(1));
            }

            await _repository.CreateIfAbsentAsync(job, default);
        }

        var completed = await ReadAllAsync(p => _repository.ListByStatusAsync(ImportJobStatus.Completed, p, default), limit: 3);
        Assert.Equal(Enumerable.Range(0, 25).Count(i => i % 3 == 0), completed.Count);
        Assert.All(completed, j => Assert.Equal(ImportJobStatus.Completed, j.Status));
        AssertNewestFirst(completed);

        var even = await ReadAllAsync(p => _repository.ListByStudyAsync("1.2.even", p, default), limit: 4);
        Assert.Equal(13, even.Count);
        Assert.Equal(13, even.Select(j => j.JobId).Distinct().Count());
        AssertNewestFirst(even);

        var all = await ReadAllAsync(p => _repository.ListAsync(p, default), limit: 10);
        Assert.Equal(25, all.Select(j => j.JobId).Distinct().Count());
        AssertNewestFirst(all);
    }

    [Fact]
    public async Task GivenExactlyOnePageOfJobs_WhenListed_ThenThereIsNoContinuationToken()
    {
        await _repository.CreateIfAbsentAsync(Job("a", T0), default);
        await _repository.CreateIfAbsentAsync(Job("b", T0), default);

        var page = await _repository.ListAsync(new PageRequest(2), default);

        Assert.Equal(["b", "a"], page.Items.Select(j => j.JobId).ToArray());
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task GivenForgedToken_WhenListing_ThenItIsRejected() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _repository.ListAsync(new PageRequest(10, "not-a-token"), default));

    private static void AssertNewestFirst(List<ImportJob> jobs)
    {
        for (var i = 1; i < jobs.Count; i++)
        {
            var ordered = jobs[i - 1].SubmittedAt > jobs[i].SubmittedAt
                || (jobs[i - 1].SubmittedAt == jobs[i].SubmittedAt && string.CompareOrdinal(jobs[i - 1].JobId, jobs[i].JobId) > 0);
            Assert.True(ordered, $"{jobs[i - 1].JobId} should come after {jobs[i].JobId}");
        }
    }

    private static async Task<List<ImportJob>> ReadAllAsync(Func<PageRequest, Task<Page<ImportJob>>> list, int limit)
    {
        var all = new List<ImportJob>();
        string? token = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await list(new PageRequest(limit, token));
            Assert.True(page.Items.Count <= limit);
            all.AddRange(page.Items);
            token = page.ContinuationToken;
            if (token is null)
            {
                return all;
            }
        }

        throw new InvalidOperationException("pagination did not end");
    }

    private static ImportJob Job(string jobId, DateTimeOffset submittedAt, string? study = "1.2.3", string? batchId = null) =>
        ImportJob.Submit(new ImportJobSnapshot(
            jobId, ImportJobStatus.Submitted, submittedAt,
            "file:///data/instances/dicom/2026/11/28/B/", "file:///data/results/B/", "local-datastore",
            "arn:aws:iam::000000000000:role/local-import", "20261128", study, "1.2.3.4", "1.2.3.4.5",
            null, null, batchId, 3, 1234));
}
