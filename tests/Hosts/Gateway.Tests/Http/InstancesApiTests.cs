using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.Http;

/// <summary>
/// <c>GET /api/instances/{sopInstanceUid}</c>, <c>GET /api/instances?studyInstanceUID=</c> and
/// <c>GET /api/studies/{studyInstanceUid}/instances</c> on the all-local gateway.
/// </summary>
public sealed class InstancesApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task GivenAStudySentWithStorescu_WhenItsInstancesAreRequested_ThenEachShowsWhereItIsStoredAndTheJobOfItsBatch()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 2, instancesPerSeries: 2);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory);

        var sent = await Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path), callingAe: "CTSCANNER1");
        Assert.True(sent.ExitCode == 0, sent.Output);

        // Indexed when the batch closes (A-RELEASE), which may be just after storescu exits.
        var target = study[^1];
        var indexed = await GatewayProcess.WaitUntilAsync(async () =>
        {
            using var response = await gateway.Http.GetAsync($"/api/instances/{target.SopInstanceUid}");
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20));
        Assert.True(indexed, gateway.Log);

        var data = new GatewayData(dataDirectory);
        var manifest = Assert.Single(data.BatchManifests());
        var batchId = manifest.GetProperty("batchId").GetString()!;
        var listed = manifest.GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("sopInstanceUID").GetString() == target.SopInstanceUid);
        var storedFile = data.InstanceFiles()[target.SopInstanceUid];
        var objectKey = Path.GetRelativePath(data.InstancesRoot, storedFile).Replace(Path.DirectorySeparatorChar, '/');

        var instance = await gateway.GetJsonAsync($"/api/instances/{target.SopInstanceUid}");
        Assert.Equal(target.SopInstanceUid, instance.GetProperty("sopInstanceUID").GetString());
        Assert.Equal(target.StudyInstanceUid, instance.GetProperty("studyInstanceUID").GetString());
        Assert.Equal(target.SeriesInstanceUid, instance.GetProperty("seriesInstanceUID").GetString());
        Assert.Equal(listed.GetProperty("sopClassUID").GetString(), instance.GetProperty("sopClassUID").GetString());
        Assert.Equal(listed.GetProperty("transferSyntaxUID").GetString(), instance.GetProperty("transferSyntaxUID").GetString());
        Assert.Equal(listed.GetProperty("studyDate").GetString(), instance.GetProperty("studyDate").GetString());
        Assert.Equal(objectKey, instance.GetProperty("objectKey").GetString());
        Assert.Equal(new Uri(storedFile).AbsoluteUri, instance.GetProperty("location").GetString());
        Assert.Equal(new FileInfo(storedFile).Length, instance.GetProperty("size").GetInt64());
        Assert.Equal(listed.GetProperty("checksum").GetString(), instance.GetProperty("checksum").GetString());
        Assert.Equal(
            "xxh3:" + Convert.ToHexStringLower(XxHash3.Hash(await File.ReadAllBytesAsync(storedFile))),
            instance.GetProperty("checksum").GetString());

        Assert.Equal(batchId, instance.GetProperty("batchId").GetString());
        Assert.Equal(listed.GetProperty("receivedAt").GetDateTimeOffset(), instance.GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Equal("CTSCANNER1", instance.GetProperty("callingAeTitle").GetString());
        Assert.Equal("IMAGINGGW", instance.GetProperty("calledAeTitle").GetString());

        // Once the batch's import job exists, every instance of the batch names it.
        var job = Assert.Single(await data.WaitForTerminalJobsAsync(1, Timeout));
        var jobId = job.GetProperty("jobId").GetString();
        Assert.Equal(batchId, job.GetProperty("batchId").GetString());
        var list = await gateway.GetJsonAsync($"/api/instances?studyInstanceUID={target.StudyInstanceUid}");
        var items = list.GetProperty("instances").EnumerateArray().ToList();
        Assert.Equal(study.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal), items.Select(i => i.GetProperty("sopInstanceUID").GetString()).Order(StringComparer.Ordinal));
        Assert.All(items, i =>
        {
            Assert.Equal(jobId, i.GetProperty("jobId").GetString());
            Assert.Equal("COMPLETED", i.GetProperty("jobStatus").GetString());
        });
        var limited = await gateway.GetJsonAsync($"/api/instances?studyInstanceUID={target.StudyInstanceUid}&limit=3");
        Assert.Equal(3, limited.GetProperty("instances").GetArrayLength());
        var again = await gateway.GetJsonAsync($"/api/instances/{target.SopInstanceUid}");
        Assert.Equal(jobId, again.GetProperty("jobId").GetString());
    }

    [Fact]
    public async Task GivenABadOrUnknownUid_WhenAnInstanceIsRequested_ThenTheApiAnswers400NamingTheFieldOr404()
    {
        using var temp = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));

        using var bad = await gateway.Http.GetAsync("/api/instances/1.02.3");
        using var unknown = await gateway.Http.GetAsync("/api/instances/1.2.826.0.1.3680043.8.498.99");
        using var noStudy = await gateway.Http.GetAsync("/api/instances");
        using var badLimit = await gateway.Http.GetAsync("/api/instances?studyInstanceUID=1.2.3&limit=0");
        var empty = await gateway.GetJsonAsync("/api/instances?studyInstanceUID=1.2.3");
        using var badStudyPath = await gateway.Http.GetAsync("/api/studies/1.02.3/instances");
        var emptyStudyPath = await gateway.GetJsonAsync("/api/studies/1.2.3/instances");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
        var detail = problem.RootElement.GetProperty("detail").GetString();
        Assert.Contains("SopInstanceUid", detail, StringComparison.Ordinal);
        Assert.Contains("leading zero", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noStudy.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(0, empty.GetProperty("instances").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, badStudyPath.StatusCode);
        Assert.Contains("StudyInstanceUid", await badStudyPath.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, emptyStudyPath.GetProperty("instances").GetArrayLength());
    }
}
