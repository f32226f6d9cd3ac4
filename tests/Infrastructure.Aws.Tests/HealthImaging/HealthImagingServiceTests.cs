using Amazon.S3.Model;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Infrastructure.Aws.HealthImaging;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Infrastructure.Aws.Tests.HealthImaging;

public sealed class HealthImagingServiceTests : IClassFixture<S3rverFixture>, IDisposable
{
    private const string Datastore = "0123456789abcdef0123456789abcdef";
    private const string Role = "arn:aws:iam::111122223333:role/HealthImagingImport";
    private readonly S3rverFixture _s3rver;
    private readonly FakeHealthImaging _fake = new();
    private readonly AwsModelServer _server;
    private readonly ServiceProvider _services;

    public HealthImagingServiceTests(S3rverFixture s3rver)
    {
        _s3rver = s3rver;
        _server = new AwsModelServer(new ServiceModel("botocore-medical-imaging-2023-07-19.service-2.json"), _fake.Handle);
        _services = AwsTestServices.Build(
            new Dictionary<string, string?>
            {
                ["Gateway:Aws:Region"] = AwsModelServer.Region,
                ["Gateway:Aws:MaxAttempts"] = "4",
                ["Gateway:Aws:RetryBaseDelay"] = "00:00:00.010",
                ["Gateway:Aws:ForcePathStyle"] = "true",
            },
            new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL_MEDICAL_IMAGING"] = _server.Endpoint.ToString(),
                ["AWS_ENDPOINT_URL"] = s3rver.Endpoint.ToString(),
            },
            (services, configuration) => services.AddHealthImaging(configuration));
    }

    private IImagingService Imaging => _services.GetRequiredService<IImagingService>();

    public void Dispose()
    {
        _services.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task GivenBatch_WhenStartingAnImport_ThenTheRequestIsValidSignedRestJsonAndTheJobComesBack()
    {
        var started = await Imaging.StartImportJobAsync(Request("01JDQ8Z6Y3N6S0V5K8E2M4T7QW"), CancellationToken.None);

        Assert.Empty(_server.Violations);
        var call = Assert.Single(_server.Calls);
        Assert.Equal("StartDICOMImportJob", call.Operation);
        Assert.Equal("01JDQ8Z6Y3N6S0V5K8E2M4T7QW", (string)call.Input["clientToken"]!);
        Assert.Equal(Datastore, (string)call.Input["datastoreId"]!);
        Assert.Equal("s3://dicom/dicom/2026/11/28/01JDQ8Z6Y3N6S0V5K8E2M4T7QW/", (string)call.Input["inputS3Uri"]!);
        Assert.Equal(ImportJobStatus.Submitted, started.Status);
        Assert.Equal(Datastore, started.DatastoreId);
        Assert.Equal(32, started.JobId.Length);
        Assert.True((DateTimeOffset.UtcNow - started.SubmittedAt).Duration() < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task GivenTheSameClientToken_WhenStartedTwice_ThenTheSameJobIsReturned()
    {
        var first = await Imaging.StartImportJobAsync(Request("01JDQ8Z6Y3N6S0V5K8E2M4T7QX"), CancellationToken.None);
        var second = await Imaging.StartImportJobAsync(Request("01JDQ8Z6Y3N6S0V5K8E2M4T7QX"), CancellationToken.None);

        Assert.Equal(first.JobId, second.JobId);
        Assert.Empty(_server.Violations);
    }

    [Fact]
    public async Task GivenStartedJob_WhenPolled_ThenStatusMovesToCompletedWithEndedAt()
    {
        _fake.PollsToComplete = 2;
        var started = await Imaging.StartImportJobAsync(Request("01JDQ8Z6Y3N6S0V5K8E2M4T7QY"), CancellationToken.None);

        var first = await Imaging.GetImportJobAsync(Datastore, started.JobId, CancellationToken.None);
        var second = await Imaging.GetImportJobAsync(Datastore, started.JobId, CancellationToken.None);

        Assert.Equal(ImportJobStatus.InProgress, first.Status);
        Assert.Null(first.EndedAt);
        Assert.Equal(ImportJobStatus.Completed, second.Status);
        Assert.NotNull(second.EndedAt);
        Assert.Equal(started.SubmittedAt, second.SubmittedAt);
        Assert.Empty(_server.Violations);
        Assert.All(_server.Calls.Skip(1), c => Assert.Equal("GetDICOMImportJob", c.Operation));
    }

    [Fact]
    public async Task GivenThrottling_WhenStarting_ThenTheCallIsRetriedUntilItSucceeds()
    {
        _fake.QueueError("StartDICOMImportJob", ServiceResponse.Error(429, "ThrottlingException", "Rate exceeded"));
        _fake.QueueError("StartDICOMImportJob", ServiceResponse.Error(500, "InternalServerException", "try again"));

        var started = await Imaging.StartImportJobAsync(Request("01JDQ8Z6Y3N6S0V5K8E2M4T7QZ"), CancellationToken.None);

        Assert.Equal(3, _server.Calls.Count);
        Assert.Single(_fake.Jobs, j => j.JobId == started.JobId);
        Assert.Empty(_server.Violations);
    }

    [Fact]
    public async Task GivenThrottlingThatDoesNotEnd_WhenStarting_ThenThrottlingExceptionAfterEveryAttempt()
    {
        for (var i = 0; i < 10; i++)
        {
            _fake.QueueError("StartDICOMImportJob", ServiceResponse.Error(429, "ThrottlingException", "Rate exceeded"));
        }

        var e = await Assert.ThrowsAsync<ThrottlingException>(() => Imaging.StartImportJobAsync(Request("01JDQ8Z6Y3N6S0V5K8E2M4T7R0"), CancellationToken.None));

        Assert.Equal("ThrottlingException", e.ErrorCode);
        Assert.Equal(4, _server.Calls.Count);
    }

    [Fact]
    public async Task GivenQuotaExceeded_WhenStarting_ThenImagingQuotaExceededAtOnce()
    {
        _fake.QueueError("StartDICOMImportJob", ServiceResponse.Error(402, "ServiceQuotaExceededException", "100 concurrent import jobs"));

        var e = await Assert.ThrowsAsync<ImagingQuotaExceededException>(() => Imaging.StartImportJobAsync(Request("01JDQ8Z6Y3N6S0V5K8E2M4T7R1"), CancellationToken.None));

        Assert.Contains("100 concurrent import jobs", e.Message, StringComparison.Ordinal);
        Assert.Single(_server.Calls);
    }

    [Fact]
    public async Task GivenConflict_WhenStarting_ThenImagingConflict()
    {
        _fake.QueueError("StartDICOMImportJob", ServiceResponse.Error(409, "ConflictException", "datastore is not ACTIVE"));

        await Assert.ThrowsAsync<ImagingConflictException>(() => Imaging.StartImportJobAsync(Request("01JDQ8Z6Y3N6S0V5K8E2M4T7R2"), CancellationToken.None));
        Assert.Single(_server.Calls);
    }

    [Fact]
    public async Task GivenUnknownJob_WhenPolled_ThenTypedErrorWithTheServiceCode()
    {
        var e = await Assert.ThrowsAsync<HealthImagingException>(() => Imaging.GetImportJobAsync(Datastore, "ffffffffffffffffffffffffffffffff", CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", e.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task GivenInvalidRequest_WhenSent_ThenTheModelCheckRejectsItAndTheClientSurfacesIt()
    {
        var invalid = Request("01JDQ8Z6Y3N6S0V5K8E2M4T7R3") with { DataAccessRoleArn = "not-a-role" };

        var e = await Assert.ThrowsAsync<HealthImagingException>(() => Imaging.StartImportJobAsync(invalid, CancellationToken.None));

        Assert.Equal("ModelViolation", e.ErrorCode);
        Assert.Contains(_server.Violations, v => v.Contains("dataAccessRoleArn", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenManyJobs_WhenListingByStatus_ThenQueryIsValidAndPagesFollowNextToken()
    {
        var client = _services.GetRequiredService<HealthImagingClient>();
        for (var i = 0; i < 5; i++)
        {
            await Imaging.StartImportJobAsync(Request($"01JDQ8Z6Y3N6S0V5K8E2M4T8{i}0"), CancellationToken.None);
        }

        var ids = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await client.ListDicomImportJobsAsync(Datastore, "SUBMITTED", token, 2, CancellationToken.None);
            ids.AddRange(page.JobSummaries.Select(s => s.JobId));
            token = page.NextToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(5, ids.Distinct().Count());
        Assert.Equal(3, pages);
        Assert.Empty(_server.Violations);
    }

    [Fact]
    public async Task GivenJobOutputInTheResultsBucket_WhenReadingResults_ThenCountsImageSetsAndFailuresAreReturned()
    {
        var prefix = "01JDQ8Z6Y3N6S0V5K8E2M4T7R4/";
        var root = $"{prefix}{Datastore}-DicomImport-abc123/";
        using var s3 = _s3rver.CreateClient();
        await Put(s3, root + "job-output-manifest.json", """
            {"jobSummary":{"jobId":"abc123","datastoreId":"0123456789abcdef0123456789abcdef","inputS3Uri":"s3://dicom/in/","outputS3Uri":"s3://results/01JDQ8Z6Y3N6S0V5K8E2M4T7R4/",
             "numberOfScannedFiles":3,"numberOfImportedFiles":2,"numberOfFilesWithCustomerError":1,"numberOfFilesWithServerError":0,
             "numberOfGeneratedImageSets":1,"imageSetsSummary":[{"imageSetId":"set1","numberOfMatchedSOPInstances":2}]}}
            """);
        await Put(s3, root + "SUCCESS/success.ndjson",
            "{\"inputFile\":\"dicom/2026/11/28/B/1.2.3.1.dcm\",\"importResponse\":{\"imageSetId\":\"set1\",\"isPrimary\":true}}\n" +
            "{\"inputFile\":\"dicom/2026/11/28/B/1.2.3.2.dcm\",\"importResponse\":{\"imageSetId\":\"set1\",\"isPrimary\":true},\"studyInstanceUID\":\"1.2.3\",\"sopInstanceUID\":\"1.2.3.2\"}\n");
        await Put(s3, root + "FAILURE/failure.ndjson",
            "{\"inputFile\":\"dicom/2026/11/28/B/1.2.3.3.dcm\",\"exception\":{\"exceptionType\":\"ValidationException\",\"message\":\"unsupported transfer syntax\"}}\n");

        var results = await Imaging.ReadJobResultsAsync(Datastore, "abc123", $"s3://{S3rverFixture.ResultsBucket}/{prefix}", CancellationToken.None);

        Assert.Equal(3, results.TotalFiles);
        Assert.Equal(2, results.SucceededFiles);
        Assert.Equal(1, results.FailedFiles);
        var set = Assert.Single(results.ImageSets);
        Assert.Equal("set1", set.ImageSetId);
        Assert.Equal(["1.2.3.1", "1.2.3.2"], set.SopInstanceUids);
        Assert.Equal("1.2.3", set.StudyInstanceUid);
        Assert.Null(set.ImageSetVersion);
        var failure = Assert.Single(results.Failures);
        Assert.Equal("dicom/2026/11/28/B/1.2.3.3.dcm", failure.InputFile);
        Assert.Contains("unsupported transfer syntax", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenJobOutputNamingImageSetVersions_WhenReadingResults_ThenEachImageSetCarriesItsVersionAsAString()
    {
        // imageSetsSummary may give imageSetVersion as a number, importResponse as a string: both read as the API's versionId.
        var prefix = "01JDQ8Z6Y3N6S0V5K8E2M4T7R5/";
        var root = $"{prefix}{Datastore}-DicomImport-def456/";
        using var s3 = _s3rver.CreateClient();
        await Put(s3, root + "job-output-manifest.json", """
            {"jobSummary":{"jobId":"def456","numberOfScannedFiles":2,"numberOfImportedFiles":2,"numberOfGeneratedImageSets":2,
             "imageSetsSummary":[{"imageSetId":"set1","imageSetVersion":2,"isPrimary":true,"numberOfMatchedSOPInstances":1},
                                 {"imageSetId":"set2","isPrimary":false,"numberOfMatchedSOPInstances":1}]}}
            """);
        await Put(s3, root + "SUCCESS/success.ndjson",
            "{\"inputFile\":\"dicom/2026/11/28/B/1.2.3.1.dcm\",\"importResponse\":{\"imageSetId\":\"set1\",\"isPrimary\":true}}\n" +
            "{\"inputFile\":\"dicom/2026/11/28/B/1.2.4.1.dcm\",\"importResponse\":{\"imageSetId\":\"set2\",\"imageSetVersion\":\"5\",\"isPrimary\":false}}\n");

        var results = await Imaging.ReadJobResultsAsync(Datastore, "def456", $"s3://{S3rverFixture.ResultsBucket}/{prefix}", CancellationToken.None);

        Assert.Equal(
            [("set1", (string?)"2", "1.2.3.1"), ("set2", "5", "1.2.4.1")],
            results.ImageSets.OrderBy(i => i.ImageSetId, StringComparer.Ordinal).Select(i => (i.ImageSetId, i.ImageSetVersion, Assert.Single(i.SopInstanceUids))));
    }

    [Fact]
    public async Task GivenNoJobOutput_WhenReadingResults_ThenAClearError()
    {
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => Imaging.ReadJobResultsAsync(Datastore, "nothing", $"s3://{S3rverFixture.ResultsBucket}/none/", CancellationToken.None));

        Assert.Contains("job-output-manifest.json", e.Message, StringComparison.Ordinal);
    }

    private static async Task Put(Amazon.S3.IAmazonS3 s3, string key, string body) =>
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = S3rverFixture.ResultsBucket, Key = key, ContentBody = body, UseChunkEncoding = false });

    private static StartImportRequest Request(string batchId) => new(
        Datastore,
        Role,
        $"s3://dicom/dicom/2026/11/28/{batchId}/",
        $"s3://results/{batchId}/",
        batchId,
        batchId);
}
