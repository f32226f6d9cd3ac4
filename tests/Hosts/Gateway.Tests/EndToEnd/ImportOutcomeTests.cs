using System.IO.Compression;
using System.Net;
using System.Text.Json;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.EndToEnd;

/// <summary>
/// Issue #27, section 2: every received instance answers where its import landed. A study whose one instance the local
/// HealthImaging stand-in rejects at import (a deflated data set over its inflate limit, which the gateway itself
/// accepts) imports the others; the API, by instance and by study, and the CLI give each good instance its image set
/// and version and the bad one the stand-in's reason.
/// </summary>
public sealed class ImportOutcomeTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    private const string Deflated = "1.2.840.10008.1.2.1.99";

    [Fact]
    public async Task GivenAStudyWithOneFileTheStandInRejects_WhenImported_ThenTheApiAndCliNameEachGoodInstancesImageSetAndTheBadOnesReason()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 3);
        var (good, bad) = (study.Take(2).ToList(), study[2]);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory, extraArgs: ["--Gateway:Local:Imaging:MaxInflatedDataSetBytes=4096"]);

        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW" });
        await using (var association = await client.ConnectAsync("127.0.0.1", gateway.Port,
            [new PresentationContextRequestItem(1, CtImageStorage, [ExplicitVrLittleEndian]), new PresentationContextRequestItem(3, CtImageStorage, [Deflated])],
            CancellationToken.None))
        {
            foreach (var instance in good)
            {
                var dataSet = Part10.DataSetBytes(instance.Path);
                Assert.Equal(DimseStatus.Success, await association.StoreAsync(CtImageStorage, instance.SopInstanceUid, ExplicitVrLittleEndian, new MemoryStream(dataSet), dataSet.Length, CancellationToken.None));
            }

            var deflated = Deflate(Part10.DataSetBytes(bad.Path));
            Assert.Equal(DimseStatus.Success, await association.StoreAsync(CtImageStorage, bad.SopInstanceUid, Deflated, new MemoryStream(deflated), deflated.Length, CancellationToken.None));
            await association.ReleaseAsync(CancellationToken.None);
        }

        var data = new GatewayData(dataDirectory);
        var job = Assert.Single(await data.WaitForTerminalJobsAsync(1, TimeSpan.FromSeconds(90)));
        Assert.Equal("COMPLETED", job.GetProperty("jobStatus").GetString());
        var (batchId, jobId) = (job.GetProperty("batchId").GetString()!, job.GetProperty("jobId").GetString()!);
        var imageSetBySop = data.Successes(batchId, jobId).ToDictionary(
            s => s.GetProperty("sopInstanceUID").GetString()!, s => s.GetProperty("importResponse").GetProperty("imageSetId").GetString()!);
        Assert.Equal(good.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal), imageSetBySop.Keys.Order(StringComparer.Ordinal));
        var rejected = Assert.Single(data.Failures(batchId, jobId));
        var exception = rejected.GetProperty("exception");
        Assert.Contains("deflated data set", exception.GetProperty("message").GetString(), StringComparison.Ordinal);
        // The recorded reason is failure.ndjson's exception as "type: message", as the AWS adapter reads it.
        var reason = $"{exception.GetProperty("exceptionType").GetString()}: {exception.GetProperty("message").GetString()}";

        // The outcomes are written right after the job's transition, in the same CheckStatus step.
        Assert.True(await GatewayProcess.WaitUntilAsync(async () =>
        {
            using var response = await gateway.Http.GetAsync($"/api/instances/{bad.SopInstanceUid}");
            return response.StatusCode == HttpStatusCode.OK
                && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("importOutcome").ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromSeconds(20)), gateway.Log);

        foreach (var instance in good)
        {
            var outcome = (await gateway.GetJsonAsync($"/api/instances/{instance.SopInstanceUid}")).GetProperty("importOutcome");
            Assert.Equal("IMPORTED", outcome.GetProperty("status").GetString());
            Assert.Equal(imageSetBySop[instance.SopInstanceUid], outcome.GetProperty("imageSetId").GetString());
            Assert.Equal("1", outcome.GetProperty("imageSetVersion").GetString());
            Assert.Equal(jobId, outcome.GetProperty("jobId").GetString());
        }

        var badOutcome = (await gateway.GetJsonAsync($"/api/instances/{bad.SopInstanceUid}")).GetProperty("importOutcome");
        Assert.Equal(("FAILED", reason, jobId), (badOutcome.GetProperty("status").GetString(), badOutcome.GetProperty("failureReason").GetString(), badOutcome.GetProperty("jobId").GetString()));
        Assert.Equal(JsonValueKind.Null, badOutcome.GetProperty("imageSetId").ValueKind);

        var byStudy = (await gateway.GetJsonAsync($"/api/studies/{bad.StudyInstanceUid}/instances")).GetProperty("instances").EnumerateArray()
            .ToDictionary(i => i.GetProperty("sopInstanceUID").GetString()!, i => i.GetProperty("importOutcome"));
        Assert.Equal(study.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal), byStudy.Keys.Order(StringComparer.Ordinal));
        Assert.All(good, i => Assert.Equal(imageSetBySop[i.SopInstanceUid], byStudy[i.SopInstanceUid].GetProperty("imageSetId").GetString()));
        Assert.Equal(reason, byStudy[bad.SopInstanceUid].GetProperty("failureReason").GetString());

        var shownGood = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "instances", "show", good[0].SopInstanceUid, "--data", dataDirectory], TimeSpan.FromMinutes(1));
        var shownBad = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "instances", "show", bad.SopInstanceUid, "--data", dataDirectory], TimeSpan.FromMinutes(1));
        var shownJson = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "instances", "show", good[1].SopInstanceUid, "--json", "--data", dataDirectory], TimeSpan.FromMinutes(1));
        var shownUnknown = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "instances", "show", "1.2.3.4.5.6.7", "--data", dataDirectory], TimeSpan.FromMinutes(1));

        Assert.True(shownGood.ExitCode == 0, shownGood.Output);
        Assert.Contains($"imported into image set {imageSetBySop[good[0].SopInstanceUid]} (version 1) by job {jobId}", Lines(shownGood.StdOut));
        Assert.True(shownBad.ExitCode == 0, shownBad.Output);
        Assert.Contains($"failed: {reason} (job {jobId})", Lines(shownBad.StdOut));
        Assert.True(shownJson.ExitCode == 0, shownJson.Output);
        Assert.Equal(imageSetBySop[good[1].SopInstanceUid], JsonDocument.Parse(shownJson.StdOut).RootElement.GetProperty("importOutcome").GetProperty("imageSetId").GetString());
        Assert.Equal(1, shownUnknown.ExitCode);
        Assert.Contains("no received instance with SOP Instance UID '1.2.3.4.5.6.7'", shownUnknown.StdErr, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Lines(string output) => output.Split('\n').Select(l => l.TrimEnd());

    /// <summary>A data set as Deflated Explicit VR Little Endian sends it: raw Deflate (PS3.5 A.5).</summary>
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
