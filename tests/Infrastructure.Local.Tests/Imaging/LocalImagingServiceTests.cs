using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Infrastructure.Local.Imaging;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;

namespace ImagingGateway.Infrastructure.Local.Tests.Imaging;

public sealed class LocalImagingServiceTests : IAsyncLifetime
{
    private const string Datastore = "local-datastore";
    private const string Role = "arn:aws:iam::000000000000:role/local-import";
    private const string Study = "1.2.826.0.1.3680043.10.9.1";
    private const string SeriesA = "1.2.826.0.1.3680043.10.9.1.1";
    private const string SeriesB = "1.2.826.0.1.3680043.10.9.1.2";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();
    private readonly List<LocalImagingService> _services = [];

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit v2 disposes a test class through IAsyncLifetime; it never calls IAsyncDisposable.DisposeAsync.
    public async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public async Task GivenTwoSeriesAndBadFiles_WhenImported_ThenTheJobCompletesWithHealthImagingsOutputLayoutAndCounts()
    {
        var input = "dicom/2026/11/28/BATCH1/";
        for (var i = 1; i <= 3; i++)
        {
            WriteInput(input + $"{SeriesA}.{i}.dcm", TestDicomFiles.Create($"{SeriesA}.{i}", Study, SeriesA));
        }

        for (var i = 1; i <= 2; i++)
        {
            WriteInput(input + $"{SeriesB}.{i}.dcm", TestDicomFiles.Create($"{SeriesB}.{i}", Study, SeriesB));
        }

        WriteInput(input + "garbage.dcm", "this is not DICOM at all, just text that is long enough to fill a preamble and more. "u8.ToArray().Concat(new byte[200]).ToArray());
        WriteInput(input + "truncated.dcm", TestDicomFiles.Truncated($"{SeriesA}.9", Study, SeriesA));
        WriteInput(input + "nostudy.dcm", TestDicomFiles.Create($"{SeriesA}.8", Study, SeriesA, omitStudyUid: true));
        var imaging = CreateService();

        var started = await imaging.StartImportJobAsync(Request("BATCH1", input), default);
        var ended = await WaitForEndAsync(imaging, started.JobId);

        Assert.Equal(ImportJobStatus.Completed, ended.Status);
        Assert.NotNull(ended.EndedAt);
        var folder = Path.Combine(_temp.Combine("results", "BATCH1"), $"{Datastore}-DicomImport-{started.JobId}");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "job-output-manifest.json")))!["jobSummary"]!;
        Assert.Equal(started.JobId, (string?)manifest["jobId"]);
        Assert.Equal(Datastore, (string?)manifest["datastoreId"]);
        Assert.Equal(8, (int?)manifest["numberOfScannedFiles"]);
        Assert.Equal(5, (int?)manifest["numberOfImportedFiles"]);
        Assert.Equal(3, (int?)manifest["numberOfFilesWithCustomerError"]);
        Assert.Equal(0, (int?)manifest["numberOfFilesWithServerError"]);
        Assert.Equal(2, (int?)manifest["numberOfGeneratedImageSets"]);
        Assert.EndsWith($"{Datastore}-DicomImport-{started.JobId}/SUCCESS/", (string?)manifest["successOutputS3Uri"], StringComparison.Ordinal);
        Assert.EndsWith($"{Datastore}-DicomImport-{started.JobId}/FAILURE/", (string?)manifest["failureOutputS3Uri"], StringComparison.Ordinal);

        var successLines = await File.ReadAllLinesAsync(Path.Combine(folder, "SUCCESS", "success.ndjson"));
        Assert.Equal(5, successLines.Length);
        var first = JsonNode.Parse(successLines[0])!;
        Assert.Equal(input + $"{SeriesA}.1.dcm", (string?)first["inputFile"]);
        Assert.Equal(32, ((string?)first["importResponse"]!["imageSetId"])!.Length);
        Assert.Equal($"{SeriesA}.1", (string?)first["sopInstanceUID"]);

        var failureLines = (await File.ReadAllLinesAsync(Path.Combine(folder, "FAILURE", "failure.ndjson"))).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(
            new[] { input + "garbage.dcm", input + "nostudy.dcm", input + "truncated.dcm" },
            failureLines.Select(l => (string)l["inputFile"]!).Order(StringComparer.Ordinal).ToArray());
        Assert.All(failureLines, l => Assert.Equal("ValidationException", (string?)l["exception"]!["exceptionType"]));
        Assert.Contains("Study Instance UID", (string?)failureLines.Single(l => ((string?)l["inputFile"])!.EndsWith("nostudy.dcm", StringComparison.Ordinal))!["exception"]!["message"], StringComparison.Ordinal);

        var results = await imaging.ReadJobResultsAsync(Datastore, started.JobId, ResultsUri("BATCH1"), default);
        Assert.Equal(8, results.TotalFiles);
        Assert.Equal(5, results.SucceededFiles);
        Assert.Equal(3, results.FailedFiles);
        Assert.Equal(3, results.Failures.Count);
        Assert.Equal(2, results.ImageSets.Count);
        var setA = results.ImageSets.Single(s => s.SeriesInstanceUid == SeriesA);
        Assert.Equal(Study, setA.StudyInstanceUid);
        Assert.Equal([$"{SeriesA}.1", $"{SeriesA}.2", $"{SeriesA}.3"], setA.SopInstanceUids.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(2, results.ImageSets.Single(s => s.SeriesInstanceUid == SeriesB).SopInstanceUids.Count);
    }

    [Fact]
    public async Task GivenAGoodAndABadFile_WhenImported_ThenTheOutputFilesUseHealthImagingsFieldNames()
    {
        // The layout and names of HealthImaging's import output, "Understanding import jobs":
        // https://docs.aws.amazon.com/healthimaging/latest/devguide/understanding-import-jobs.html
        // job-output-manifest.json holds a jobSummary; success.ndjson one line per imported file with the image set in
        // importResponse (isPrimary false for a non-primary image set); failure.ndjson one line per rejected file.
        string[] jobSummaryNames =
        [
            "jobId", "datastoreId", "inputS3Uri", "outputS3Uri", "successOutputS3Uri", "failureOutputS3Uri",
            "numberOfScannedFiles", "numberOfImportedFiles", "numberOfFilesWithCustomerError", "numberOfFilesWithServerError",
            "numberOfGeneratedImageSets", "imageSetsSummary",
        ];
        string[] imageSetSummaryNames = ["imageSetId", "numberOfMatchedSOPInstances"];
        string[] successNames = ["inputFile", "importResponse"];
        string[] importResponseNames = ["imageSetId", "isPrimary"];
        string[] failureNames = ["inputFile", "exception"];
        string[] exceptionNames = ["exceptionType", "message"];
        // Beyond those, the stand-in adds only: the image set version (HealthImaging's versionId) and each instance's UIDs.
        string[] localExtensions = ["imageSetVersion", "isPrimary", "studyInstanceUID", "seriesInstanceUID", "sopInstanceUID", "sopClassUID"];
        var input = "dicom/2026/11/28/BATCH9/";
        WriteInput(input + $"{SeriesA}.1.dcm", TestDicomFiles.Create($"{SeriesA}.1", Study, SeriesA));
        WriteInput(input + "truncated.dcm", TestDicomFiles.Truncated($"{SeriesA}.2", Study, SeriesA));
        var imaging = CreateService();

        var started = await imaging.StartImportJobAsync(Request("BATCH9", input), default);
        Assert.Equal(ImportJobStatus.Completed, (await WaitForEndAsync(imaging, started.JobId)).Status);

        var folder = Path.Combine(_temp.Combine("results", "BATCH9"), $"{Datastore}-DicomImport-{started.JobId}");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "job-output-manifest.json")))!.AsObject();
        Assert.Equal(["jobSummary"], manifest.Select(p => p.Key));
        var summary = manifest["jobSummary"]!.AsObject();
        Assert.Equal(jobSummaryNames, summary.Select(p => p.Key));
        var setSummary = Assert.Single(summary["imageSetsSummary"]!.AsArray())!.AsObject();
        AssertNames(imageSetSummaryNames, localExtensions, setSummary);
        var success = JsonNode.Parse(Assert.Single(await File.ReadAllLinesAsync(Path.Combine(folder, "SUCCESS", "success.ndjson"))))!.AsObject();
        AssertNames(successNames, localExtensions, success);
        var response = success["importResponse"]!.AsObject();
        AssertNames(importResponseNames, localExtensions, response);
        Assert.Equal((string?)setSummary["imageSetId"], (string?)response["imageSetId"]);
        Assert.Equal(JsonValueKind.True, response["isPrimary"]!.GetValueKind());
        var failure = JsonNode.Parse(Assert.Single(await File.ReadAllLinesAsync(Path.Combine(folder, "FAILURE", "failure.ndjson"))))!.AsObject();
        Assert.Equal(failureNames, failure.Select(p => p.Key));
        Assert.Equal(input + "truncated.dcm", (string?)failure["inputFile"]);
        Assert.Equal(exceptionNames, failure["exception"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task GivenImportedSeries_WhenImportedAgainWithANewAndAReplacedInstance_ThenTheSameImageSetGetsTheNextVersionWithAllInstances()
    {
        WriteInput("in1/a.dcm", TestDicomFiles.Create($"{SeriesA}.1", Study, SeriesA));
        WriteInput("in1/b.dcm", TestDicomFiles.Create($"{SeriesA}.2", Study, SeriesA));
        WriteInput("in2/b.dcm", TestDicomFiles.Create($"{SeriesA}.2", Study, SeriesA));
        WriteInput("in2/c.dcm", TestDicomFiles.Create($"{SeriesA}.3", Study, SeriesA));
        var imaging = CreateService();

        var first = await imaging.StartImportJobAsync(Request("FIRST", "in1/"), default);
        await WaitForEndAsync(imaging, first.JobId);
        var v1 = await imaging.FindImageSetBySeriesAsync(Datastore, SeriesA, default);
        var second = await imaging.StartImportJobAsync(Request("SECOND", "in2/"), default);
        await WaitForEndAsync(imaging, second.JobId);
        var v2 = await imaging.FindImageSetBySeriesAsync(Datastore, SeriesA, default);

        Assert.NotNull(v1);
        Assert.NotNull(v2);
        Assert.Equal(1, v1.Version);
        Assert.Equal(v1.ImageSetId, v2.ImageSetId);
        Assert.Equal(2, v2.Version);
        var results = await imaging.ReadJobResultsAsync(Datastore, second.JobId, ResultsUri("SECOND"), default);
        var imported = Assert.Single(results.ImageSets);
        Assert.Equal((v1.ImageSetId, "2"), (imported.ImageSetId, imported.ImageSetVersion));

        var metadata = await imaging.ReadImageSetMetadataAsync(Datastore, v2.ImageSetId, 2, default);
        Assert.NotNull(metadata);
        Assert.Equal(new[] { $"{SeriesA}.1", $"{SeriesA}.2", $"{SeriesA}.3" }, metadata.Select(i => (string)i!["00080018"]!["Value"]![0]!).ToArray());
        var instance = metadata[0]!;
        Assert.Equal("UI", (string?)instance["0020000E"]!["vr"]);
        Assert.Equal("Doe^Jane", (string?)instance["00100010"]!["Value"]![0]!["Alphabetic"]);
        Assert.Equal(7, (int?)instance["00200013"]!["Value"]![0]);
        Assert.Equal(16, (int?)instance["00280010"]!["Value"]![0]);
        Assert.Equal(2, (await imaging.ReadImageSetMetadataAsync(Datastore, v2.ImageSetId, 1, default))!.Count);
    }

    [Fact]
    public async Task GivenStartedJob_WhenStartedAgainWithTheSameClientToken_ThenTheSameJobComesBack()
    {
        WriteInput("in/a.dcm", TestDicomFiles.Create($"{SeriesA}.1", Study, SeriesA));
        var imaging = CreateService();

        var first = await imaging.StartImportJobAsync(Request("BATCH1", "in/"), default);
        var second = await imaging.StartImportJobAsync(Request("BATCH1", "in/"), default);
        await WaitForEndAsync(imaging, first.JobId);
        var third = await imaging.StartImportJobAsync(Request("BATCH1", "in/"), default);

        Assert.Equal(first.JobId, second.JobId);
        Assert.Equal(first.JobId, third.JobId);
        Assert.Equal(ImportJobStatus.Completed, third.Status);
        await Assert.ThrowsAsync<ImagingConflictException>(() => imaging.StartImportJobAsync(Request("BATCH1", "other/"), default));
    }

    [Fact]
    public async Task GivenConcurrentJobQuotaReached_WhenAnotherJobStarts_ThenQuotaExceededIsThrown()
    {
        WriteInput("in/a.dcm", TestDicomFiles.Create($"{SeriesA}.1", Study, SeriesA));
        var imaging = CreateService(o =>
        {
            o.MaxConcurrentJobs = 1;
            o.ProcessingDelay = TimeSpan.FromMinutes(5);
        });

        await imaging.StartImportJobAsync(Request("BATCH1", "in/"), default);

        await Assert.ThrowsAsync<ImagingQuotaExceededException>(() => imaging.StartImportJobAsync(Request("BATCH2", "in/"), default));
    }

    [Fact]
    public async Task GivenSlowJob_WhenPolled_ThenItGoesFromInProgressToCompleted()
    {
        WriteInput("in/a.dcm", TestDicomFiles.Create($"{SeriesA}.1", Study, SeriesA));
        var imaging = CreateService(o => o.ProcessingDelay = TimeSpan.FromMilliseconds(500));

        var started = await imaging.StartImportJobAsync(Request("BATCH1", "in/"), default);
        var seen = new HashSet<ImportJobStatus> { started.Status };
        var deadline = Stopwatch.StartNew();
        ImportJobState state;
        do
        {
            state = await imaging.GetImportJobAsync(Datastore, started.JobId, default);
            seen.Add(state.Status);
            await Task.Delay(20);
        }
        while (!state.Status.IsTerminal() && deadline.Elapsed < Timeout);

        Assert.Equal(ImportJobStatus.Submitted, started.Status);
        Assert.Contains(ImportJobStatus.InProgress, seen);
        Assert.Equal(ImportJobStatus.Completed, state.Status);
    }

    [Fact]
    public async Task GivenMissingInputLocation_WhenImported_ThenTheJobFailsWithAMessage()
    {
        var imaging = CreateService();

        var started = await imaging.StartImportJobAsync(Request("BATCH1", "does-not-exist/"), default);
        var ended = await WaitForEndAsync(imaging, started.JobId);

        Assert.Equal(ImportJobStatus.Failed, ended.Status);
        Assert.Contains("does not exist", ended.Message, StringComparison.Ordinal);
        var results = await imaging.ReadJobResultsAsync(Datastore, started.JobId, ResultsUri("BATCH1"), default);
        Assert.Equal(0, results.SucceededFiles);
    }

    [Fact]
    public async Task GivenJobInterruptedByARestart_WhenTheServiceStartsAgain_ThenTheJobCompletes()
    {
        WriteInput("in/a.dcm", TestDicomFiles.Create($"{SeriesA}.1", Study, SeriesA));
        var first = CreateService(o => o.ProcessingDelay = TimeSpan.FromMinutes(5));
        var started = await first.StartImportJobAsync(Request("BATCH1", "in/"), default);
        await WaitForStatusAsync(first, started.JobId, ImportJobStatus.InProgress);
        await first.DisposeAsync();

        var second = CreateService();
        Assert.Equal(1, await second.ResumeAsync(default));
        var ended = await WaitForEndAsync(second, started.JobId);

        Assert.Equal(ImportJobStatus.Completed, ended.Status);
    }

    [Theory]
    [InlineData("s3://bucket/in/", "token")]
    [InlineData("file:///tmp/in/", "bad token")]
    [InlineData("file:///tmp/in/", "")]
    public async Task GivenInvalidRequest_WhenStarting_ThenItIsRejectedNamingTheField(string input, string token)
    {
        var imaging = CreateService();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => imaging.StartImportJobAsync(
            new StartImportRequest(Datastore, Role, input, ResultsUri("X"), token, null), default));
        Assert.Matches("inputS3Uri|clientToken", error.Message);
    }

    [Fact]
    public async Task GivenPacingOfFiveStartsASecond_WhenThreeJobsStart_ThenTheyAreSpreadOverAtLeastTheRate()
    {
        WriteInput("in/a.dcm", TestDicomFiles.Create($"{SeriesA}.1", Study, SeriesA));
        var imaging = CreateService(o =>
        {
            o.StartImportJobTps = 5;
            o.StartImportJobBurst = 1;
        });

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            await imaging.StartImportJobAsync(Request($"B{i}", "in/"), default);
        }

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(350), $"3 starts at 5 TPS took only {clock.Elapsed}");
    }

    [Fact]
    public async Task GivenPydicomCorpusFile_WhenImported_ThenItLandsInOneImageSet()
    {
        WriteInput("in/ct.dcm", await File.ReadAllBytesAsync(CtSmall()));
        var imaging = CreateService();

        var started = await imaging.StartImportJobAsync(Request("BATCH1", "in/"), default);
        await WaitForEndAsync(imaging, started.JobId);
        var results = await imaging.ReadJobResultsAsync(Datastore, started.JobId, ResultsUri("BATCH1"), default);

        Assert.Equal(1, results.SucceededFiles);
        Assert.Single(results.ImageSets);
    }

    [Fact]
    public async Task GivenFailFirstJobsIsOne_WhenTwoJobsRunOnTheSameInput_ThenTheFirstFailsWithTheInjectedFaultAndTheSecondCompletes()
    {
        var input = "dicom/2026/11/28/BATCH7/";
        WriteInput(input + $"{SeriesA}.1.dcm", TestDicomFiles.Create($"{SeriesA}.1", Study, SeriesA));
        var imaging = CreateService(o => o.FailFirstJobs = 1);

        var first = await WaitForEndAsync(imaging, (await imaging.StartImportJobAsync(Request("BATCH7", input), default)).JobId);
        var second = await WaitForEndAsync(imaging, (await imaging.StartImportJobAsync(Request("BATCH7R", input), default)).JobId);

        Assert.Equal((ImportJobStatus.Failed, LocalImagingService.InjectedFailure), (first.Status, first.Message));
        Assert.Equal((ImportJobStatus.Completed, null), (second.Status, second.Message));
        var results = await imaging.ReadJobResultsAsync(Datastore, second.JobId, ResultsUri("BATCH7R"), default);
        Assert.Equal(1, results.SucceededFiles);
    }

    [Fact]
    public async Task GivenAnInvalidFile_WhenItsFailureIsRead_ThenTheReasonStartsWithTheExceptionTypeAsHealthImagingsDoes()
    {
        var input = "dicom/2026/11/28/BATCH8/";
        WriteInput(input + $"{SeriesA}.1.dcm", TestDicomFiles.Create($"{SeriesA}.1", Study, SeriesA));
        WriteInput(input + "truncated.dcm", TestDicomFiles.Truncated($"{SeriesA}.9", Study, SeriesA));
        var imaging = CreateService();

        var ended = await WaitForEndAsync(imaging, (await imaging.StartImportJobAsync(Request("BATCH8", input), default)).JobId);
        var results = await imaging.ReadJobResultsAsync(Datastore, ended.JobId, ResultsUri("BATCH8"), default);

        var failure = Assert.Single(results.Failures);
        Assert.Equal(input + "truncated.dcm", failure.InputFile);
        Assert.StartsWith("ValidationException: DICOM P10 file is truncated or corrupt", failure.Reason, StringComparison.Ordinal);
    }

    private static string CtSmall()
    {
        var source = Path.Combine(TestDicomFiles.PydicomTestFiles, "CT_small.dcm");
        Assert.True(File.Exists(source), $"{source} is missing: run tests/setup.d/10-debian-packages.sh (python3-pydicom)");
        return source;
    }

    /// <summary>Every documented name is present, and any other is one of the stand-in's named extensions.</summary>
    private static void AssertNames(string[] documented, string[] extensions, JsonObject node)
    {
        var names = node.Select(p => p.Key).ToList();
        Assert.All(documented, n => Assert.Contains(n, names));
        Assert.All(names.Except(documented), n => Assert.Contains(n, extensions));
    }

    private LocalImagingService CreateService(Action<LocalImagingOptions>? configure = null)
    {
        var options = new LocalImagingOptions { Directory = _temp.Combine("imaging"), InputRoot = _temp.Combine("instances"), Durable = false };
        configure?.Invoke(options);
        var service = new LocalImagingService(options, new SqliteDatabase(_temp.Combine("imaging", "imaging.db")));
        _services.Add(service);
        return service;
    }

    private void WriteInput(string key, byte[] content)
    {
        var path = _temp.Combine("instances", key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private StartImportRequest Request(string batchId, string inputKeyPrefix) =>
        new(Datastore, Role, new Uri(_temp.Combine("instances", inputKeyPrefix)).AbsoluteUri, ResultsUri(batchId), batchId, batchId);

    private string ResultsUri(string batchId) => new Uri(_temp.Combine("results", batchId) + "/").AbsoluteUri;

    private static Task<ImportJobState> WaitForEndAsync(LocalImagingService imaging, string jobId) =>
        WaitForAsync(imaging, jobId, s => s.IsTerminal());

    private static Task<ImportJobState> WaitForStatusAsync(LocalImagingService imaging, string jobId, ImportJobStatus status) =>
        WaitForAsync(imaging, jobId, s => s == status);

    private static async Task<ImportJobState> WaitForAsync(LocalImagingService imaging, string jobId, Func<ImportJobStatus, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var state = await imaging.GetImportJobAsync(Datastore, jobId, default);
            if (done(state.Status))
            {
                return state;
            }

            Assert.True(clock.Elapsed < Timeout, $"job {jobId} still {state.Status} after {Timeout}");
            await Task.Delay(20);
        }
    }
}
