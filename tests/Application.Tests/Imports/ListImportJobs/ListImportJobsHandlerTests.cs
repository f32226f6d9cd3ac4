using System.Text.Json;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Application.Imports.GetImportJob;
using ImagingGateway.Application.Imports.ListImportJobs;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Tests.Imports.ListImportJobs;

public sealed class ListImportJobsHandlerTests
{
    [Fact]
    public async Task GivenJobsInSeveralStates_WhenListedByStatus_ThenOnlyThoseAreReturnedNewestFirst()
    {
        await using var host = new TestHost();
        Add(host, "j1", ImportJobStatus.Submitted, 1, "1.2.3");
        Add(host, "j2", ImportJobStatus.Completed, 2, "1.2.3");
        Add(host, "j3", ImportJobStatus.Submitted, 3, "1.2.4");

        var list = await host.Mediator.Send(new ListImportJobsQuery(Status: "SUBMITTED"));

        Assert.Equal(["j3", "j1"], list.Items.Select(j => j.JobId));
        Assert.Null(list.ContinuationToken);
    }

    [Fact]
    public async Task GivenJobsOfTwoStudies_WhenListedByStudyAndStatus_ThenBothFiltersApply()
    {
        await using var host = new TestHost();
        Add(host, "j1", ImportJobStatus.Submitted, 1, "1.2.3");
        Add(host, "j2", ImportJobStatus.Completed, 2, "1.2.3");
        Add(host, "j3", ImportJobStatus.Submitted, 3, "1.2.4");

        var byStudy = await host.Mediator.Send(new ListImportJobsQuery(StudyInstanceUid: "1.2.3"));
        var both = await host.Mediator.Send(new ListImportJobsQuery(Status: "COMPLETED", StudyInstanceUid: "1.2.3"));

        Assert.Equal(["j2", "j1"], byStudy.Items.Select(j => j.JobId));
        Assert.Equal(["j2"], both.Items.Select(j => j.JobId));
    }

    [Fact]
    public async Task GivenMoreJobsThanTheLimit_WhenPaged_ThenTheContinuationTokenReachesEveryJobOnce()
    {
        await using var host = new TestHost();
        for (var i = 1; i <= 5; i++)
        {
            Add(host, $"j{i}", ImportJobStatus.InProgress, i, "1.2.3");
        }

        var seen = new List<string>();
        string? token = null;
        for (var page = 0; page < 10; page++)
        {
            var list = await host.Mediator.Send(new ListImportJobsQuery(Limit: 2, ContinuationToken: token));
            seen.AddRange(list.Items.Select(j => j.JobId));
            token = list.ContinuationToken;
            if (token is null)
            {
                break;
            }
        }

        Assert.Equal(["j5", "j4", "j3", "j2", "j1"], seen);
    }

    [Theory]
    [InlineData("RUNNING", null, 10, "Status")]
    [InlineData(null, "1.02.3", 10, "StudyInstanceUid")]
    [InlineData(null, null, 0, "Limit")]
    [InlineData(null, null, 1001, "Limit")]
    public async Task GivenABadFilter_WhenListed_ThenValidationNamesTheField(string? status, string? study, int limit, string field)
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () => await host.Mediator.Send(new ListImportJobsQuery(status, study, limit)));

        Assert.Equal(field, Assert.Single(ex.Failures).Field);
    }

    [Fact]
    public async Task GivenAJob_WhenFetchedAndSerialized_ThenTheJsonUsesTheTableAttributeNames()
    {
        await using var host = new TestHost();
        Add(host, "j1", ImportJobStatus.Completed, 1, "1.2.3");

        var dto = await host.Mediator.Send(new GetImportJobQuery("j1"));
        var json = JsonSerializer.Serialize(dto!, ApplicationJsonContext.Default.ImportJobDto);
        using var doc = JsonDocument.Parse(json);

        string[] expected =
        [
            "jobId", "jobStatus", "submittedAt", "inputS3Uri", "outputS3Uri", "datastoreId", "dataAccessRoleArn", "studyDate",
            "studyInstanceUID", "seriesInstanceUID", "sopInstanceUID", "endedAt", "message", "batchId", "instanceCount", "totalBytes",
            "retryOf", "retriedBy", "commitments",
        ];
        Assert.Equal(expected, doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("COMPLETED", doc.RootElement.GetProperty("jobStatus").GetString());
        Assert.Equal("1.2.3", doc.RootElement.GetProperty("studyInstanceUID").GetString());
    }

    [Fact]
    public async Task GivenNoSuchJob_WhenFetched_ThenNullIsReturned()
    {
        await using var host = new TestHost();

        Assert.Null(await host.Mediator.Send(new GetImportJobQuery("nope")));
    }

    private static void Add(TestHost host, string jobId, ImportJobStatus status, int minute, string study) =>
        host.Jobs.Overwrite(new ImportJobSnapshot(
            jobId, status, TestHost.Start.AddMinutes(minute), "mem://in/", "mem://out/", "datastore1", "role", "20261128",
            study, "1.2.9", "1.2.10", status.IsTerminal() ? TestHost.Start.AddMinutes(minute + 1) : null, null, "batch", 1, 10));
}
