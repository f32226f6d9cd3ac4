using System.IO.Compression;
using System.Net;
using System.Text.Json;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Gateway.Tests.Support;
using ImagingGateway.Infrastructure.Local.Imaging;

namespace ImagingGateway.Gateway.Tests.EndToEnd;

/// <summary>
/// Re-drive on the all-local gateway (issue #26, "jobs retry" proof): a job the imaging stand-in fails once is imported
/// again by <c>jobs retry</c> and ends COMPLETED, linked both ways to the original; a COMPLETED job whose failed file
/// is invalid lists that file as not retryable and imports nothing.
/// </summary>
public sealed class RetryJobTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string ExplicitLittle = "1.2.840.10008.1.2.1";
    private const string Deflated = "1.2.840.10008.1.2.1.99";

    [Fact]
    public async Task GivenAJobTheStandInFailedOnce_WhenRetriedWithTheCli_ThenANewJobImportsTheSameBatchAndEndsCompletedLinkedBothWays()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 3);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory, extraArgs: ["--Gateway:Local:Imaging:FailFirstJobs=1"]);
        var sent = await Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path));
        Assert.True(sent.ExitCode == 0, sent.Output);
        var data = new GatewayData(dataDirectory);
        var failed = Assert.Single(await data.WaitForTerminalJobsAsync(1, TimeSpan.FromSeconds(90)));
        Assert.Equal("FAILED", failed.GetProperty("jobStatus").GetString());
        Assert.StartsWith(LocalImagingService.InjectedFailure, failed.GetProperty("message").GetString(), StringComparison.Ordinal);
        var failedJobId = failed.GetProperty("jobId").GetString()!;

        var retry = await ProcessRunner.RunAsync("dotnet",
            [GatewayProcess.DllPath, "jobs", "retry", failedJobId, "--api", $"http://127.0.0.1:{gateway.HttpPort}"], TimeSpan.FromMinutes(1));

        Assert.True(retry.ExitCode == 0, retry.Output);
        Assert.Contains($"job {failedJobId} FAILED: batch ", retry.StdOut, StringComparison.Ordinal);
        Assert.Contains("(batch): 3 files from dicom/", retry.StdOut, StringComparison.Ordinal);
        Assert.Contains($"/{failed.GetProperty("batchId").GetString()}/, manifest batches/", retry.StdOut, StringComparison.Ordinal);
        var jobs = await data.WaitForTerminalJobsAsync(2, TimeSpan.FromSeconds(90));
        var retried = Assert.Single(jobs, j => j.GetProperty("jobId").GetString() != failedJobId);
        Assert.Equal("COMPLETED", retried.GetProperty("jobStatus").GetString());
        Assert.Equal("imported 3 of 3 files", retried.GetProperty("message").GetString());
        Assert.Equal(failed.GetProperty("inputS3Uri").GetString(), retried.GetProperty("inputS3Uri").GetString());
        Assert.NotEqual(failed.GetProperty("batchId").GetString(), retried.GetProperty("batchId").GetString());
        var retriedJobId = retried.GetProperty("jobId").GetString()!;
        Assert.Equal(failedJobId, (await ShowAsync(dataDirectory, retriedJobId)).GetProperty("retryOf").GetString());
        Assert.Equal(retriedJobId, (await ShowAsync(dataDirectory, failedJobId)).GetProperty("retriedBy").GetString());
        Assert.Equal(
            study.Select(i => i.SopInstanceUid).Order(),
            data.Successes(retried.GetProperty("batchId").GetString()!, retriedJobId).Select(s => s.GetProperty("sopInstanceUID").GetString()).Order());
    }

    [Fact]
    public async Task GivenACompletedJobWithAnInvalidFileBesideGoodOnes_WhenRetried_ThenTheFileIsListedNotRetryableAndNothingIsImported()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 3);
        var dataDirectory = temp.Sub("data");
        // The gateway accepts the deflated data set (its own limit is the default); the stand-in's limit makes that file
        // one HealthImaging refuses, beside two good ones.
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory, extraArgs: ["--Gateway:Local:Imaging:MaxInflatedDataSetBytes=4096"]);
        await SendOneDeflatedAmongGoodAsync(gateway.Port, study);
        var data = new GatewayData(dataDirectory);
        var completed = Assert.Single(await data.WaitForTerminalJobsAsync(1, TimeSpan.FromSeconds(90)));
        Assert.Equal("COMPLETED", completed.GetProperty("jobStatus").GetString());
        var (jobId, batchId) = (completed.GetProperty("jobId").GetString()!, completed.GetProperty("batchId").GetString()!);
        var failure = Assert.Single(data.Failures(batchId, jobId));
        var invalidFile = failure.GetProperty("inputFile").GetString()!;
        Assert.EndsWith(study[0].SopInstanceUid + ".dcm", invalidFile, StringComparison.Ordinal);
        var instancesBefore = data.InstanceFiles().Count;

        using var response = await gateway.Http.PostAsync($"/api/jobs/{jobId}/retry", content: null);
        var cli = await ProcessRunner.RunAsync("dotnet",
            [GatewayProcess.DllPath, "jobs", "retry", jobId, "--api", $"http://127.0.0.1:{gateway.HttpPort}"], TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(body.RootElement.GetProperty("retried").GetBoolean());
        var listed = Assert.Single(body.RootElement.GetProperty("notRetryable").EnumerateArray());
        Assert.Equal(invalidFile, listed.GetProperty("inputFile").GetString());
        Assert.StartsWith("ValidationException: ", listed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(cli.ExitCode == 1, cli.Output);
        Assert.Contains($"none of the 1 failed files of job {jobId} can be fixed by retrying", cli.StdOut, StringComparison.Ordinal);
        Assert.Contains($"not retryable (1):\n  {invalidFile}: ValidationException: ", cli.StdOut.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Single(data.BatchManifests());
        Assert.Equal(instancesBefore, data.InstanceFiles().Count);
        var jobs = await data.JobsAsync();
        Assert.Equal(jobId, Assert.Single(jobs).GetProperty("jobId").GetString());
        Assert.Equal(JsonValueKind.Null, Assert.Single(jobs).GetProperty("retriedBy").ValueKind);
    }

    private static async Task<JsonElement> ShowAsync(string dataDirectory, string jobId)
    {
        var shown = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "jobs", "show", jobId, "--json", "--data", dataDirectory], TimeSpan.FromSeconds(60));
        Assert.True(shown.ExitCode == 0, shown.Output);
        return JsonDocument.Parse(shown.StdOut).RootElement.Clone();
    }

    /// <summary>One association: the first instance deflated (PS3.5 A.5), the others explicit VR little endian as written.</summary>
    private static async Task SendOneDeflatedAmongGoodAsync(int port, IReadOnlyList<TestInstance> study)
    {
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW" });
        await using var association = await client.ConnectAsync("127.0.0.1", port,
            [new PresentationContextRequestItem(1, CtImageStorage, [Deflated]), new PresentationContextRequestItem(3, CtImageStorage, [ExplicitLittle])],
            CancellationToken.None);
        var statuses = new List<DimseStatus>();
        for (var i = 0; i < study.Count; i++)
        {
            var dataSet = Part10.DataSetBytes(study[i].Path);
            var (syntax, bytes) = i == 0 ? (Deflated, Deflate(dataSet)) : (ExplicitLittle, dataSet);
            statuses.Add(await association.StoreAsync(CtImageStorage, study[i].SopInstanceUid, syntax, new MemoryStream(bytes), bytes.Length, CancellationToken.None));
        }

        await association.ReleaseAsync(CancellationToken.None);
        Assert.All(statuses, s => Assert.Equal(DimseStatus.Success, s));
    }

    private static byte[] Deflate(byte[] dataSet)
    {
        var output = new MemoryStream();
        using (var deflater = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(dataSet);
        }

        return output.ToArray();
    }
}
