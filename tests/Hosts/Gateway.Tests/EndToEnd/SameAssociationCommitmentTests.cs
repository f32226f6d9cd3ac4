using System.Text.Json;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.EndToEnd;

/// <summary>
/// The same-association storage commitment report (PS3.4 J.3.3) to an SCU that is not ours: dcmjs-dimse stores a
/// study, asks for its commitment and keeps the association open, and the N-EVENT-REPORT comes back on it. Orthanc
/// cannot be that SCU (it closes the N-ACTION's association at once: see StorageCommitmentTests).
/// </summary>
public sealed class SameAssociationCommitmentTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const int StorageCommitmentRequestSuccessful = 1;
    private const int StorageCommitmentRequestCompleteFailuresExist = 2;
    private const int NoSuchObjectInstance = 0x0112;

    private static async Task<JsonElement> ReportedCommitmentAsync(GatewayProcess gateway, string transactionUid)
    {
        JsonElement commitment = default;
        var reported = await GatewayProcess.WaitUntilAsync(async () =>
        {
            commitment = await gateway.GetJsonAsync($"/api/commitments/{transactionUid}");
            return commitment.GetProperty("state").GetString() == "REPORTED";
        }, TimeSpan.FromSeconds(30));
        Assert.True(reported, $"{transactionUid} never became REPORTED: {commitment}\n{gateway.Log}");
        return commitment;
    }

    [Fact]
    public async Task GivenDcmjsDimseStoresAStudy_WhenItAsksForCommitmentAlsoOfAnUnknownInstance_ThenTheReportOnItsAssociationFailsOnlyThatOneWith0112()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 3);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));
        const string unknown = "1.2.826.0.1.3680043.8.498.999.406";

        var run = await DcmjsCommitmentScu.StoreAndCommitAsync(gateway.Port, study.Select(i => i.Path), [$"{CtImageStorage}:{unknown}"], TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 0, run.Output + gateway.Log);
        Assert.All(run.Lines.Where(l => l.TryGetProperty("store", out _)), l => Assert.Equal(0, l.GetProperty("status").GetInt32()));
        var report = run.Report;
        Assert.Equal(StorageCommitmentRequestCompleteFailuresExist, report.GetProperty("eventTypeId").GetInt32());
        Assert.Equal(study.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal),
            report.GetProperty("committed").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
        var failed = Assert.Single(report.GetProperty("failed").EnumerateArray());
        Assert.Equal(unknown, failed.GetProperty("sopInstanceUid").GetString());
        Assert.Equal(NoSuchObjectInstance, failed.GetProperty("failureReason").GetInt32());
        var commitment = await ReportedCommitmentAsync(gateway, report.GetProperty("report").GetString()!);
        Assert.Equal("same association", commitment.GetProperty("reportedVia").GetString());
    }

    /// <summary>
    /// Under <c>Imported</c> with the default PerAssociation batching the SCU keeps its association open through the
    /// import: the N-ACTION closes the batch its instances are in, so the import need not wait for the release, and the
    /// report comes on that association.
    /// </summary>
    [Fact]
    public async Task GivenTheImportedPolicy_WhenDcmjsDimseStoresAStudyAndWaitsOnItsAssociation_ThenEveryInstanceIsReportedCommittedThereOnceImported()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 2);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"),
            extraArgs: ["--Gateway:StorageCommitment:Policy=Imported", "--Gateway:StorageCommitment:DecisionInterval=00:00:01"]);

        var run = await DcmjsCommitmentScu.StoreAndCommitAsync(gateway.Port, study.Select(i => i.Path), [], TimeSpan.FromSeconds(90));

        Assert.True(run.ExitCode == 0, run.Output + gateway.Log);
        var report = run.Report;
        Assert.Equal(StorageCommitmentRequestSuccessful, report.GetProperty("eventTypeId").GetInt32());
        Assert.Equal(study.Count, report.GetProperty("committed").GetArrayLength());
        Assert.Empty(report.GetProperty("failed").EnumerateArray());
        foreach (var instance in study)
        {
            var outcome = (await gateway.GetJsonAsync($"/api/instances/{instance.SopInstanceUid}")).GetProperty("importOutcome");
            Assert.Equal("IMPORTED", outcome.GetProperty("status").GetString());
        }

        var commitment = await ReportedCommitmentAsync(gateway, report.GetProperty("report").GetString()!);
        Assert.Equal("same association", commitment.GetProperty("reportedVia").GetString());
    }
}
