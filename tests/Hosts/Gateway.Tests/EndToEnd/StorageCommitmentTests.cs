using System.Text.Json;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.EndToEnd;

/// <summary>
/// Storage commitment (issue #26) against real peers. Orthanc 1.10 as the SCU always releases the N-ACTION's
/// association at once (DicomAssociation::RequestStorageCommitment closes it after the N-ACTION-RSP, whatever its
/// timeouts), so its reports arrive on a new association to the peer configured for its AE title; the same-association
/// report is proved with the Gateway's own <c>send --commit</c>, which keeps the association open for it.
/// </summary>
public sealed class StorageCommitmentTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(60);

    private static Dictionary<string, string> PeerOrthanc(int orthancPort, string reportDelay = "00:00:00") => new()
    {
        ["GATEWAY__STORAGECOMMITMENT__PEERS__0__AETITLE"] = OrthancProcess.AeTitle,
        ["GATEWAY__STORAGECOMMITMENT__PEERS__0__HOST"] = "127.0.0.1",
        ["GATEWAY__STORAGECOMMITMENT__PEERS__0__PORT"] = orthancPort.ToString(),
        ["GATEWAY__STORAGECOMMITMENT__REPORTDELAY"] = reportDelay,
    };

    /// <summary>Orthanc stores the study to the Gateway (C-STORE), then asks it for storage commitment; returns the transaction UID.</summary>
    private static async Task<string> StoreAndRequestCommitmentAsync(OrthancProcess orthanc, IReadOnlyList<TestInstance> study)
    {
        var ids = await orthanc.UploadAsync(study.Select(i => i.Path));
        var stored = await orthanc.PostJsonAsync("/modalities/gateway/store", new { Resources = ids, Synchronous = true });
        Assert.Equal(study.Count, stored.GetProperty("InstancesCount").GetInt32());
        var request = await orthanc.PostJsonAsync("/modalities/gateway/storage-commitment", new
        {
            DicomInstances = study.Select(i => new { SOPClassUID = CtImageStorage, SOPInstanceUID = i.SopInstanceUid }).ToArray(),
        });
        return request.GetProperty("ID").GetString()!;
    }

    private static async Task<JsonElement> WaitForOrthancReportAsync(OrthancProcess orthanc, string transactionUid, GatewayProcess gateway)
    {
        JsonElement report = default;
        var done = await GatewayProcess.WaitUntilAsync(async () =>
        {
            report = await orthanc.GetJsonAsync($"/storage-commitment/{transactionUid}");
            return report.GetProperty("Status").GetString() != "Pending";
        }, ReportTimeout);
        Assert.True(done, $"Orthanc never got the report of {transactionUid}:\n{gateway.Log}\n{orthanc.Log}");
        return report;
    }

    /// <summary>The value of one Prometheus sample, found by its name and one of its labels.</summary>
    private static async Task<double> MetricAsync(GatewayProcess gateway, string name, string label)
    {
        var metrics = await gateway.Http.GetStringAsync("/metrics");
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal));
        Assert.True(line is not null, $"no {name} with {label} in:\n{metrics}");
        return double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The Gateway records a delivery just after the peer's N-EVENT-REPORT-RSP, so the API may lag the peer a little.</summary>
    private static async Task<JsonElement> WaitForGatewayStateAsync(GatewayProcess gateway, string transactionUid, string state)
    {
        JsonElement commitment = default;
        var reached = await GatewayProcess.WaitUntilAsync(async () =>
        {
            commitment = await gateway.GetJsonAsync($"/api/commitments/{transactionUid}");
            return commitment.GetProperty("state").GetString() == state;
        }, ReportTimeout);
        Assert.True(reached, $"{transactionUid} never became {state}: {commitment}\n{gateway.Log}");
        return commitment;
    }

    [Fact]
    public async Task GivenAStudyStoredFromOrthanc_WhenOrthancRequestsCommitment_ThenEveryInstanceIsReportedCommittedOnANewAssociation()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 2, instancesPerSeries: 3);
        var ports = FreePorts.Take(1);
        await using var orthanc = await OrthancProcess.StartAsync(temp.Sub("orthanc"), "IMAGINGGW", ports[0]);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"), env: PeerOrthanc(orthanc.DicomPort), port: ports[0]);

        var transactionUid = await StoreAndRequestCommitmentAsync(orthanc, study);
        var report = await WaitForOrthancReportAsync(orthanc, transactionUid, gateway);

        Assert.Equal("Success", report.GetProperty("Status").GetString());
        Assert.Equal(study.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal),
            report.GetProperty("Success").EnumerateArray().Select(s => s.GetProperty("SOPInstanceUID").GetString()!).Order(StringComparer.Ordinal));
        Assert.Empty(report.GetProperty("Failures").EnumerateArray());
        var commitment = await WaitForGatewayStateAsync(gateway, transactionUid, "REPORTED");
        Assert.Equal("new association", commitment.GetProperty("reportedVia").GetString());
        Assert.Equal(study.Count, commitment.GetProperty("committed").GetInt32());
        Assert.Equal(study.Count, await MetricAsync(gateway, "gateway_commitment_instances_total", "outcome=\"committed\""));
    }

    /// <summary>
    /// Waits until every instance of <paramref name="study"/> is in the index with the commitment of
    /// <paramref name="transactionUid"/> COMMITTED and its import job ended with that transaction's counts, and checks
    /// both: the instance record carries the transaction and outcome, the job record how many it covered.
    /// </summary>
    private static async Task AssertCommitmentRecordedOnInstancesAndJobAsync(GatewayProcess gateway, IReadOnlyList<TestInstance> study, string transactionUid)
    {
        string? jobId = null;
        foreach (var instance in study)
        {
            JsonElement shown = default;
            var recorded = await GatewayProcess.WaitUntilAsync(async () =>
            {
                using var response = await gateway.Http.GetAsync($"/api/instances/{instance.SopInstanceUid}");
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    return false;
                }

                shown = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                return shown.GetProperty("commitment").ValueKind == JsonValueKind.Object && shown.GetProperty("jobId").ValueKind == JsonValueKind.String;
            }, ReportTimeout);
            Assert.True(recorded, $"{instance.SopInstanceUid} never showed its commitment and job: {shown}\n{gateway.Log}");
            var commitment = shown.GetProperty("commitment");
            Assert.Equal((transactionUid, "COMMITTED", JsonValueKind.Null),
                (commitment.GetProperty("transactionUID").GetString(), commitment.GetProperty("status").GetString(), commitment.GetProperty("failureReason").ValueKind));
            jobId ??= shown.GetProperty("jobId").GetString();
            Assert.Equal(jobId, shown.GetProperty("jobId").GetString());
        }

        JsonElement job = default;
        var counted = await GatewayProcess.WaitUntilAsync(async () =>
        {
            job = await gateway.GetJsonAsync($"/api/jobs/{jobId}");
            return job.GetProperty("commitments").GetArrayLength() > 0;
        }, ReportTimeout);
        Assert.True(counted, $"job {jobId} never recorded a commitment: {job}\n{gateway.Log}");
        var covered = Assert.Single(job.GetProperty("commitments").EnumerateArray());
        Assert.Equal((transactionUid, study.Count, 0),
            (covered.GetProperty("transactionUID").GetString(), covered.GetProperty("committed").GetInt32(), covered.GetProperty("failed").GetInt32()));
    }

    [Fact]
    public async Task GivenAStoredStudy_WhenSendCommitAsksAlsoForAnUnknownInstance_ThenTheReportOnTheSameAssociationFailsItWith0112()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 3);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));
        const string unknown = "1.2.826.0.1.3680043.8.498.999.404";

        var sent = await ProcessRunner.RunAsync("dotnet",
            [GatewayProcess.DllPath, "send", "127.0.0.1", gateway.Port.ToString(), Path.Combine(temp.Path, "study"), "--commit", "--commit-timeout", "00:01:00",
             "--commit-also", $"{CtImageStorage}:{unknown}"],
            TimeSpan.FromMinutes(2));

        Assert.Equal(1, sent.ExitCode);
        Assert.Contains("3 stored", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains("3 of 4 instance(s) committed, 1 failed", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains($"NOT COMMITTED {unknown} (SOP class {CtImageStorage}): 0x0112 no such object instance", sent.StdOut, StringComparison.Ordinal);
        var transactionUid = sent.StdOut.Split("Storage commitment ")[1].Split(':')[0];
        var commitment = await WaitForGatewayStateAsync(gateway, transactionUid, "REPORTED");
        Assert.Equal("same association", commitment.GetProperty("reportedVia").GetString());
        Assert.Equal(3, commitment.GetProperty("committed").GetInt32());
        Assert.Equal("0x0112", commitment.GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("sopInstanceUID").GetString() == unknown)
            .GetProperty("failureReason").GetString());
        // Durable: the report went out before the release closed the batch, so the index had no record of the instances
        // yet; the commitment shows once the batch is recorded, and reaches the job when the job ends.
        await AssertCommitmentRecordedOnInstancesAndJobAsync(gateway, study, transactionUid);
    }

    /// <summary>
    /// The <c>Imported</c> policy: the report waits for the import, so every instance it commits already has its
    /// import outcome IMPORTED, and an instance never received still fails with 0x0112.
    /// </summary>
    [Fact]
    public async Task GivenTheImportedPolicy_WhenSendCommitAsksForAStudyAndAnUnknownInstance_ThenTheStudyIsCommittedOnlyOnceImportedAndTheUnknownFailsWith0112()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 3);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"),
            extraArgs: ["--Gateway:StorageCommitment:Policy=Imported", "--Gateway:StorageCommitment:DecisionInterval=00:00:01"]);
        const string unknown = "1.2.826.0.1.3680043.8.498.999.405";

        var sent = await ProcessRunner.RunAsync("dotnet",
            [GatewayProcess.DllPath, "send", "127.0.0.1", gateway.Port.ToString(), Path.Combine(temp.Path, "study"), "--commit", "--commit-timeout", "00:01:30",
             "--commit-also", $"{CtImageStorage}:{unknown}"],
            TimeSpan.FromMinutes(3));

        Assert.True(sent.ExitCode == 1, sent.Output + gateway.Log);
        Assert.Contains("3 of 4 instance(s) committed, 1 failed", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains($"NOT COMMITTED {unknown} (SOP class {CtImageStorage}): 0x0112 no such object instance", sent.StdOut, StringComparison.Ordinal);
        foreach (var instance in study)
        {
            var outcome = (await gateway.GetJsonAsync($"/api/instances/{instance.SopInstanceUid}")).GetProperty("importOutcome");
            Assert.Equal(JsonValueKind.Object, outcome.ValueKind);
            Assert.Equal("IMPORTED", outcome.GetProperty("status").GetString());
        }

        // Imported: the job ended before the report, so the delivered report itself is recorded on the job.
        var transactionUid = sent.StdOut.Split("Storage commitment ")[1].Split(':')[0];
        await WaitForGatewayStateAsync(gateway, transactionUid, "REPORTED");
        await AssertCommitmentRecordedOnInstancesAndJobAsync(gateway, study, transactionUid);
    }

    [Fact]
    public async Task GivenAStoredStudy_WhenSendCommitAsksForItAll_ThenItExitsZeroWithEveryInstanceCommitted()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 2);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));

        var sent = await ProcessRunner.RunAsync("dotnet",
            [GatewayProcess.DllPath, "send", "127.0.0.1", gateway.Port.ToString(), Path.Combine(temp.Path, "study"), "--commit"],
            TimeSpan.FromMinutes(2));

        Assert.True(sent.ExitCode == 0, sent.Output + gateway.Log);
        Assert.Contains("2 of 2 instance(s) committed, 0 failed", sent.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenTheGatewayKilledBetweenNActionAndReport_WhenRestarted_ThenOrthancGetsTheReportOnANewAssociation()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 3);
        var ports = FreePorts.Take(2);
        var data = temp.Sub("data");
        await using var orthanc = await OrthancProcess.StartAsync(temp.Sub("orthanc"), "IMAGINGGW", ports[0]);
        string transactionUid;
        var gateway = await GatewayProcess.StartAsync(data, env: PeerOrthanc(orthanc.DicomPort, reportDelay: "01:00:00"), port: ports[0], httpPort: ports[1]);
        try
        {
            transactionUid = await StoreAndRequestCommitmentAsync(orthanc, study);
            var pending = await gateway.GetJsonAsync($"/api/commitments/{transactionUid}");
            Assert.Equal("PENDING", pending.GetProperty("state").GetString());
            Assert.Equal("Pending", (await orthanc.GetJsonAsync($"/storage-commitment/{transactionUid}")).GetProperty("Status").GetString());
            await gateway.KillAsync();
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        await using var restarted = await GatewayProcess.StartAsync(data, env: PeerOrthanc(orthanc.DicomPort), port: ports[0], httpPort: ports[1]);
        var report = await WaitForOrthancReportAsync(orthanc, transactionUid, restarted);

        Assert.Equal("Success", report.GetProperty("Status").GetString());
        Assert.Equal(study.Count, report.GetProperty("Success").GetArrayLength());
        var commitment = await WaitForGatewayStateAsync(restarted, transactionUid, "REPORTED");
        Assert.Equal("new association", commitment.GetProperty("reportedVia").GetString());
    }

    [Fact]
    public async Task GivenOrthancIsNotAKnownPeer_WhenItRequestsCommitment_ThenTheReportIsUndeliverableWithAClearReason()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 1);
        var ports = FreePorts.Take(1);
        await using var orthanc = await OrthancProcess.StartAsync(temp.Sub("orthanc"), "IMAGINGGW", ports[0]);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"), port: ports[0]);

        var transactionUid = await StoreAndRequestCommitmentAsync(orthanc, study);
        var commitment = await WaitForGatewayStateAsync(gateway, transactionUid, "UNDELIVERABLE");

        Assert.Contains("ORTHANC is not in Gateway:StorageCommitment:Peers", commitment.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("is not a known peer", gateway.Log, StringComparison.Ordinal);
        Assert.Equal(1, await MetricAsync(gateway, "gateway_commitment_undelivered_total", "reason=\"unknown-peer\""));
        Assert.Equal("Pending", (await orthanc.GetJsonAsync($"/storage-commitment/{transactionUid}")).GetProperty("Status").GetString());
    }
}
