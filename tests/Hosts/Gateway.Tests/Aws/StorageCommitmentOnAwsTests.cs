using System.Text.Json;
using ImagingGateway.Gateway.Tests.Support;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;

namespace ImagingGateway.Gateway.Tests.Aws;

/// <summary>
/// Storage commitment in AWS mode (issue #26): two Gateway processes on the same S3 bucket (s3rver) and DynamoDB tables
/// (dynalite), as two Fargate tasks behind one load balancer. The instances are stored through task A and the commitment
/// is requested from task B, which finds them in the shared received-instance index; the request itself lives in the
/// shared commitment table, so when B dies between its N-ACTION-RSP and the report, A sends the report.
/// </summary>
public sealed class StorageCommitmentOnAwsTests : IDisposable
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly S3rverFixture _s3 = new();
    private readonly DynaliteFixture _dynamo = new();
    private readonly AwsModelServer _imagingServer = new(new ServiceModel("botocore-medical-imaging-2023-07-19.service-2.json"), new FakeHealthImaging().Handle);
    private readonly AwsModelServer _stepFunctionsServer = new(new ServiceModel("botocore-stepfunctions-2016-11-23.service-2.json"), new FakeStepFunctions().Handle);
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _imagingServer.Dispose();
        _stepFunctionsServer.Dispose();
        _dynamo.Dispose();
        _s3.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task GivenAStudyStoredThroughTaskA_WhenSendCommitAsksTaskBForItAndAnUnknownInstance_ThenBReportsTheStudyCommittedAndTheUnknownFailedWith0112()
    {
        var tables = await TablesAsync();
        var study = await TestStudy.WriteAsync(_temp.Sub("study"), series: 1, instancesPerSeries: 4);
        var storedThroughA = study.Take(3).ToList();
        var sentToB = study[3];
        await using var a = await GatewayProcess.StartAsync(_temp.Sub("a"), TaskEnvironment(tables));
        await using var b = await GatewayProcess.StartAsync(_temp.Sub("b"), TaskEnvironment(tables, new()
        {
            ["GATEWAY__STORAGECOMMITMENT__UNKNOWNINSTANCEWAIT"] = "00:00:03",
            ["GATEWAY__STORAGECOMMITMENT__DECISIONINTERVAL"] = "00:00:01",
        }));
        const string unknown = "1.2.826.0.1.3680043.8.498.999.426";
        await StoreThroughAsync(a, b, storedThroughA);

        var sent = await ProcessRunner.RunAsync("dotnet",
            [GatewayProcess.DllPath, "send", "127.0.0.1", b.Port.ToString(), sentToB.Path, "--commit", "--commit-timeout", "00:01:00",
             .. storedThroughA.SelectMany(i => new[] { "--commit-also", $"{CtImageStorage}:{i.SopInstanceUid}" }),
             "--commit-also", $"{CtImageStorage}:{unknown}"],
            TimeSpan.FromMinutes(2));

        Assert.True(sent.ExitCode == 1, sent.Output + "\n" + b.Log);
        Assert.Contains("1 stored", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains("4 of 5 instance(s) committed, 1 failed", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains($"NOT COMMITTED {unknown} (SOP class {CtImageStorage}): 0x0112 no such object instance", sent.StdOut, StringComparison.Ordinal);
        var transactionUid = sent.StdOut.Split("Storage commitment ")[1].Split(':')[0];
        // Task A never saw the request, yet answers for it from the shared table.
        var commitment = await WaitForStateAsync(a, transactionUid, "REPORTED");
        Assert.Equal("same association", commitment.GetProperty("reportedVia").GetString());
        Assert.Equal(4, commitment.GetProperty("committed").GetInt32());
        var instances = commitment.GetProperty("instances").EnumerateArray().ToDictionary(i => i.GetProperty("sopInstanceUID").GetString()!);
        Assert.Equal("0x0112", instances[unknown].GetProperty("failureReason").GetString());
        foreach (var instance in storedThroughA)
        {
            var fromA = await a.GetJsonAsync($"/api/instances/{instance.SopInstanceUid}");
            Assert.Equal(fromA.GetProperty("batchId").GetString(), instances[instance.SopInstanceUid].GetProperty("batchId").GetString());
        }

        Assert.False(File.Exists(Path.Combine(b.DataDirectory, "gateway.db")), "task B kept commitments on its own disk");
        Assert.False(a.HasExited, a.Log);
    }

    [Fact]
    public async Task GivenTaskBKilledAfterItsNActionResponse_WhenTheReportIsDue_ThenTaskASendsItToOrthancOnANewAssociation()
    {
        var tables = await TablesAsync();
        var study = await TestStudy.WriteAsync(_temp.Sub("study"), series: 1, instancesPerSeries: 3);
        var ports = FreePorts.Take(2);
        await using var orthanc = await OrthancProcess.StartAsync(_temp.Sub("orthanc"), "IMAGINGGW", ports[0]);
        var peer = new Dictionary<string, string>
        {
            ["GATEWAY__STORAGECOMMITMENT__PEERS__0__AETITLE"] = OrthancProcess.AeTitle,
            ["GATEWAY__STORAGECOMMITMENT__PEERS__0__HOST"] = "127.0.0.1",
            ["GATEWAY__STORAGECOMMITMENT__PEERS__0__PORT"] = orthanc.DicomPort.ToString(),
        };
        await using var a = await GatewayProcess.StartAsync(_temp.Sub("a"), TaskEnvironment(tables, new(peer)
        {
            ["GATEWAY__STORAGECOMMITMENT__TAKEOVERDELAY"] = "00:00:02",
        }));
        var b = await GatewayProcess.StartAsync(_temp.Sub("b"), TaskEnvironment(tables, new(peer)
        {
            // B holds the report back, so it can only come from A once B is gone.
            ["GATEWAY__STORAGECOMMITMENT__REPORTDELAY"] = "01:00:00",
        }), port: ports[0], httpPort: ports[1]);
        string transactionUid;
        try
        {
            await StoreThroughAsync(a, b, study);
            var request = await orthanc.PostJsonAsync("/modalities/gateway/storage-commitment", new
            {
                DicomInstances = study.Select(i => new { SOPClassUID = CtImageStorage, SOPInstanceUID = i.SopInstanceUid }).ToArray(),
            });
            transactionUid = request.GetProperty("ID").GetString()!;
            Assert.Equal("PENDING", (await b.GetJsonAsync($"/api/commitments/{transactionUid}")).GetProperty("state").GetString());
            await b.KillAsync();
        }
        finally
        {
            await b.DisposeAsync();
        }

        JsonElement report = default;
        var reported = await GatewayProcess.WaitUntilAsync(async () =>
        {
            report = await orthanc.GetJsonAsync($"/storage-commitment/{transactionUid}");
            return report.GetProperty("Status").GetString() != "Pending";
        }, Timeout);

        Assert.True(reported, $"Orthanc never got the report of {transactionUid}:\n{a.Log}\n{orthanc.Log}");
        Assert.Equal("Success", report.GetProperty("Status").GetString());
        Assert.Equal(study.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal),
            report.GetProperty("Success").EnumerateArray().Select(s => s.GetProperty("SOPInstanceUID").GetString()!).Order(StringComparer.Ordinal));
        var commitment = await WaitForStateAsync(a, transactionUid, "REPORTED");
        Assert.Equal("new association", commitment.GetProperty("reportedVia").GetString());
        Assert.Equal(study.Count, commitment.GetProperty("committed").GetInt32());
        Assert.Contains($"Storage commitment {transactionUid} reported on the new association: 3 committed", a.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenS3StorageWithoutACommitmentTable_WhenSendCommitAsks_ThenTheStoreSucceedsTheCommitmentIsRefusedAndTheLogNamesTheKey()
    {
        var tables = await TablesAsync();
        var study = await TestStudy.WriteAsync(_temp.Sub("study"), series: 1, instancesPerSeries: 1);
        var environment = TaskEnvironment(tables);
        environment.Remove("GATEWAY__AWS__COMMITMENTTABLE");
        await using var gateway = await GatewayProcess.StartAsync(_temp.Sub("data"), environment);

        var sent = await ProcessRunner.RunAsync("dotnet",
            [GatewayProcess.DllPath, "send", "127.0.0.1", gateway.Port.ToString(), study[0].Path, "--commit", "--commit-timeout", "00:00:30"],
            TimeSpan.FromMinutes(2));

        Assert.True(sent.ExitCode == 1, sent.Output + "\n" + gateway.Log);
        Assert.Contains("1 stored", sent.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("instance(s) committed", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains("Storage commitment (1.2.840.10008.1.20.1) is not offered", gateway.Log, StringComparison.Ordinal);
        Assert.Contains("Gateway:Aws:CommitmentTable, which is not set", gateway.Log, StringComparison.Ordinal);
    }

    /// <summary>storescu stores the instances through <paramref name="a"/>; returns once <paramref name="b"/> finds each in the shared index.</summary>
    private static async Task StoreThroughAsync(GatewayProcess a, GatewayProcess b, IReadOnlyList<TestInstance> instances)
    {
        var stored = await Dcmtk.StoreAsync(a.Port, instances.Select(i => i.Path));
        Assert.True(stored.ExitCode == 0, stored.Output + "\n" + a.Log);
        foreach (var instance in instances)
        {
            Assert.True(
                await GatewayProcess.WaitUntilAsync(async () => (await b.Http.GetAsync($"/api/instances/{instance.SopInstanceUid}")).IsSuccessStatusCode, Timeout),
                $"task B never found {instance.SopInstanceUid} stored through A:\n{a.Log}\n{b.Log}");
        }
    }

    private static async Task<JsonElement> WaitForStateAsync(GatewayProcess gateway, string transactionUid, string state)
    {
        JsonElement commitment = default;
        var reached = await GatewayProcess.WaitUntilAsync(async () =>
        {
            var response = await gateway.Http.GetAsync($"/api/commitments/{transactionUid}");
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            commitment = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return commitment.GetProperty("state").GetString() == state;
        }, Timeout);
        Assert.True(reached, $"{transactionUid} never became {state}: {commitment}\n{gateway.Log}");
        return commitment;
    }

    private async Task<(string Jobs, string Instances, string Commitments)> TablesAsync() =>
        (await _dynamo.CreateJobTableAsync(), await _dynamo.CreateInstanceTableAsync(), await _dynamo.CreateCommitmentTableAsync());

    /// <summary>What the ECS task definition gives the container (the CDK app's GATEWAY__* keys), with the endpoints on loopback.</summary>
    private Dictionary<string, string> TaskEnvironment((string Jobs, string Instances, string Commitments) tables, Dictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["GATEWAY__ADAPTERS__STORAGE"] = "S3",
            ["GATEWAY__ADAPTERS__JOBS"] = "DynamoDb",
            ["GATEWAY__ADAPTERS__WORKFLOW"] = "StepFunctions",
            ["GATEWAY__ADAPTERS__IMAGING"] = "HealthImaging",
            ["GATEWAY__AWS__REGION"] = AwsModelServer.Region,
            ["GATEWAY__AWS__DICOMBUCKET"] = S3rverFixture.DicomBucket,
            ["GATEWAY__AWS__RESULTSBUCKET"] = S3rverFixture.ResultsBucket,
            ["GATEWAY__AWS__JOBTABLE"] = tables.Jobs,
            ["GATEWAY__AWS__INSTANCETABLE"] = tables.Instances,
            ["GATEWAY__AWS__COMMITMENTTABLE"] = tables.Commitments,
            ["GATEWAY__AWS__STATEMACHINEARN"] = "arn:aws:states:eu-west-1:111122223333:stateMachine:DicomImport",
            ["GATEWAY__AWS__DATASTOREID"] = "00112233445566778899aabbccddeeff",
            ["GATEWAY__AWS__DATAACCESSROLEARN"] = "arn:aws:iam::111122223333:role/HealthImagingImport",
            ["GATEWAY__AWS__FORCEPATHSTYLE"] = "true",
            ["AWS_ENDPOINT_URL_S3"] = _s3.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_DYNAMODB"] = _dynamo.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_SFN"] = _stepFunctionsServer.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_MEDICAL_IMAGING"] = _imagingServer.Endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = S3rverFixture.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3rverFixture.SecretKey,
            ["AWS_REGION"] = AwsModelServer.Region,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        foreach (var (key, value) in extra ?? [])
        {
            environment[key] = value;
        }

        return environment;
    }
}
