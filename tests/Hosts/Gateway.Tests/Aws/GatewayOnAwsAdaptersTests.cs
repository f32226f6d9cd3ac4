using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Gateway.Tests.Support;
using ImagingGateway.Infrastructure.Aws.Common;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using ImagingGateway.Lambda.CheckStatus;
using ImagingGateway.Lambda.Hosting;
using ImagingGateway.Lambda.StartImportJob;
using ImagingGateway.Lambda.TriggerImport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Gateway.Tests.Aws;

/// <summary>
/// The built Gateway with every adapter set to AWS (S3, DynamoDb, StepFunctions, HealthImaging), each pointed by its
/// AWS_ENDPOINT_URL_* override at a loopback server (s3rver, dynalite, the HealthImaging and Step Functions
/// model-checking servers); the cloud half (S3 event, state machine) is driven as AWS would, with the Lambda handlers
/// invoked in-process against the same servers.
/// </summary>
public sealed class GatewayOnAwsAdaptersTests : IDisposable
{
    private const string Datastore = "00112233445566778899aabbccddeeff";
    private const string Role = "arn:aws:iam::111122223333:role/HealthImagingImport";
    private const string StateMachine = "arn:aws:states:eu-west-1:111122223333:stateMachine:DicomImport";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly S3rverFixture _s3 = new();
    private readonly DynaliteFixture _dynamo = new();
    private readonly FakeHealthImaging _healthImaging = new() { PollsToComplete = 2 };
    private readonly FakeStepFunctions _stepFunctions = new();
    private readonly AwsModelServer _imagingServer;
    private readonly AwsModelServer _stepFunctionsServer;
    private readonly TempDirectory _temp = new();

    public GatewayOnAwsAdaptersTests()
    {
        _imagingServer = new AwsModelServer(new ServiceModel("botocore-medical-imaging-2023-07-19.service-2.json"), _healthImaging.Handle);
        _stepFunctionsServer = new AwsModelServer(new ServiceModel("botocore-stepfunctions-2016-11-23.service-2.json"), _stepFunctions.Handle);
        _healthImaging.OnCompleted = new JobOutputWriter(_ => _s3.CreateClient(), arn => arn).Write;
    }

    public void Dispose()
    {
        _imagingServer.Dispose();
        _stepFunctionsServer.Dispose();
        _dynamo.Dispose();
        _s3.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task GivenEveryAdapterOnAws_WhenStorescuSendsAStudyAndTheCloudHalfRuns_ThenTheInstancesTheManifestAndTheCompletedJobAreInTheAwsStores()
    {
        var table = await _dynamo.CreateJobTableAsync();
        var instanceTable = await _dynamo.CreateInstanceTableAsync();
        var study = await TestStudy.WriteAsync(_temp.Sub("study"), series: 2, instancesPerSeries: 3);
        var environment = AwsEnvironment(table, instanceTable);
        await using var gateway = await GatewayProcess.StartAsync(_temp.Sub("data"), environment);

        // The Gateway half: storescu → S3 (instances, then the manifest at A-RELEASE).
        var sent = await Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path));

        Assert.True(sent.ExitCode == 0, sent.Output + "\n" + gateway.Log);
        Assert.Equal(Enumerable.Range(0, study.Count), Dcmtk.AcknowledgedFileIndexes(sent.Output));
        using var s3 = _s3.CreateClient();
        string? manifestKey = null;
        Assert.True(
            await GatewayProcess.WaitUntilAsync(async () => (manifestKey = (await KeysAsync(s3, ObjectKeys.ManifestsRoot)).SingleOrDefault()) is not null, Timeout),
            "no batch manifest in s3rver:\n" + gateway.Log);
        Assert.True(ObjectKeys.TryParseManifest(manifestKey!, out var batchId), manifestKey);
        var manifest = JsonNode.Parse(await ReadAsync(s3, manifestKey!))!;
        Assert.Equal(batchId.Value, (string)manifest["batchId"]!);
        var listed = manifest["instances"]!.AsArray().Select(i => (string)i!["key"]!).Order().ToList();
        var day = batchId.Timestamp.UtcDateTime;
        var expectedKeys = study.Select(i => $"dicom/{day:yyyy}/{day:MM}/{day:dd}/{batchId.Value}/{i.SopInstanceUid}.dcm").Order().ToList();
        Assert.Equal(expectedKeys, listed);
        Assert.Equal(expectedKeys, (await KeysAsync(s3, ObjectKeys.InstancesRoot)).Order());
        foreach (var instance in study)
        {
            var stored = await ReadAsync(s3, $"dicom/{day:yyyy}/{day:MM}/{day:dd}/{batchId.Value}/{instance.SopInstanceUid}.dcm");
            Assert.Equal(Part10.DataSetBytes(instance.Path), Part10.DataSetBytes(stored));
        }

        // The Gateway started nothing itself: imports begin from the manifest's S3 event.
        Assert.Empty(_stepFunctions.InputsByName);

        // The cloud half as AWS runs it: the S3 event → TriggerImport → the state machine's StartImportJob and CheckStatus.
        using var triggerServices = LambdaServices(table, instanceTable, TriggerImportFunction.Name, TriggerImportFunction.Ports);
        using var startServices = LambdaServices(table, instanceTable, StartImportJobFunction.Name, StartImportJobFunction.Ports);
        using var checkServices = LambdaServices(table, instanceTable, CheckStatusFunction.Name, CheckStatusFunction.Ports);
        var trigger = await InvokeAsync(new TriggerImportFunction(triggerServices).HandleAsync, S3Event(manifestKey!));
        var execution = Assert.Single(trigger["executions"]!.AsArray())!;
        Assert.Equal(batchId.Value, (string)execution["batchId"]!);
        var input = _stepFunctions.InputsByName[batchId.Value];
        Assert.Equal(batchId.Value, (string)JsonNode.Parse(input)!["batchId"]!);
        var state = await InvokeAsync(new StartImportJobFunction(startServices).HandleAsync, input);
        var jobId = (string)state["jobId"]!;
        for (var polls = 0; !(bool)state["isComplete"]! && polls < 10; polls++)
        {
            state = await InvokeAsync(new CheckStatusFunction(checkServices).HandleAsync, state.ToJsonString());
        }

        Assert.Equal("COMPLETED", (string)state["jobStatus"]!);
        using var dynamo = _dynamo.CreateClient();
        var item = (await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["jobId"] = new AttributeValue { S = jobId } }, ConsistentRead = true })).Item;
        Assert.Equal("COMPLETED", item["jobStatus"].S);
        Assert.Equal(study.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), item["instanceCount"].N);
        Assert.Equal(study[0].StudyInstanceUid, item["studyInstanceUID"].S);
        var start = Assert.Single(_imagingServer.Calls, c => c.Operation == "StartDICOMImportJob");
        Assert.Equal($"s3://{S3rverFixture.DicomBucket}/{ObjectKeys.BatchPrefix(batchId)}", (string)start.Input["inputS3Uri"]!);
        Assert.Empty(_imagingServer.Violations);
        Assert.Empty(_stepFunctionsServer.Violations);

        // The Gateway's own API reads the job back from DynamoDB.
        var jobs = (await gateway.GetJsonAsync("/api/jobs")).GetProperty("jobs").EnumerateArray().ToList();
        var job = Assert.Single(jobs, j => j.GetProperty("jobId").GetString() == jobId);
        Assert.Equal("COMPLETED", job.GetProperty("jobStatus").GetString());
        Assert.Equal(batchId.Value, job.GetProperty("batchId").GetString());
        var completed = (await gateway.GetJsonAsync("/api/jobs?status=COMPLETED")).GetProperty("jobs").EnumerateArray();
        Assert.Contains(completed, j => j.GetProperty("jobId").GetString() == jobId);

        // The instance API: the index and the job are DynamoDB's, the location the S3 URI.
        var sop = study[^1].SopInstanceUid;
        var fromApi = await gateway.GetJsonAsync($"/api/instances/{sop}");
        var instanceKey = ObjectKeys.BatchPrefix(batchId) + sop + ObjectKeys.InstanceSuffix;
        Assert.Equal(instanceKey, fromApi.GetProperty("objectKey").GetString());
        Assert.Equal($"s3://{S3rverFixture.DicomBucket}/{instanceKey}", fromApi.GetProperty("location").GetString());
        Assert.Equal(batchId.Value, fromApi.GetProperty("batchId").GetString());
        Assert.Equal(jobId, fromApi.GetProperty("jobId").GetString());
        Assert.Equal("COMPLETED", fromApi.GetProperty("jobStatus").GetString());
        Assert.False(gateway.HasExited, gateway.Log);
    }

    /// <summary>
    /// Issue #27: two Gateway tasks behind one load balancer share S3 and the DynamoDB index, so an instance stored
    /// through one is answered by the other, which never saw it and keeps nothing of it in its own data directory.
    /// </summary>
    [Fact]
    public async Task GivenTwoGatewaysOnTheSameS3AndDynamoDb_WhenAStudyIsStoredThroughOne_ThenTheOtherAnswersForItsInstancesAndTheStudy()
    {
        var table = await _dynamo.CreateJobTableAsync();
        var instanceTable = await _dynamo.CreateInstanceTableAsync();
        var study = await TestStudy.WriteAsync(_temp.Sub("study"), series: 1, instancesPerSeries: 4);
        await using var a = await GatewayProcess.StartAsync(_temp.Sub("a"), AwsEnvironment(table, instanceTable));
        await using var b = await GatewayProcess.StartAsync(_temp.Sub("b"), AwsEnvironment(table, instanceTable));
        var sop = study[1].SopInstanceUid;
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await b.Http.GetAsync($"/api/instances/{sop}")).StatusCode);

        var sent = await Dcmtk.StoreAsync(a.Port, study.Select(i => i.Path));

        Assert.True(sent.ExitCode == 0, sent.Output + "\n" + a.Log);
        Assert.True(
            await GatewayProcess.WaitUntilAsync(async () => (await b.Http.GetAsync($"/api/instances/{sop}")).IsSuccessStatusCode, Timeout),
            "gateway B never answered for an instance stored through A:\n" + a.Log + "\n" + b.Log);
        var fromB = await b.GetJsonAsync($"/api/instances/{sop}");
        var fromA = await a.GetJsonAsync($"/api/instances/{sop}");
        Assert.Equal(fromA.GetRawText(), fromB.GetRawText());
        var batchId = fromB.GetProperty("batchId").GetString()!;
        var key = ObjectKeys.BatchPrefix(BatchId.Parse(batchId)) + sop + ObjectKeys.InstanceSuffix;
        Assert.Equal(key, fromB.GetProperty("objectKey").GetString());
        Assert.Equal($"s3://{S3rverFixture.DicomBucket}/{key}", fromB.GetProperty("location").GetString());
        Assert.Equal(study[1].StudyInstanceUid, fromB.GetProperty("studyInstanceUID").GetString());
        var listed = (await b.GetJsonAsync($"/api/instances?studyInstanceUID={study[0].StudyInstanceUid}")).GetProperty("instances").EnumerateArray()
            .Select(i => i.GetProperty("sopInstanceUID").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(study.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal), listed);
        // Neither task keeps a local index in AWS mode: the answers above came from DynamoDB.
        Assert.False(File.Exists(Path.Combine(b.DataDirectory, "gateway.db")), "gateway B created a local index");
        Assert.Equal(0, await b.InstancesStoredAsync());
        Assert.False(a.HasExited, a.Log);
        Assert.False(b.HasExited, b.Log);
    }

    /// <summary>
    /// Re-drive in AWS mode (issue #26): the HealthImaging emulator fails the first job once; <c>jobs retry</c> only writes a
    /// manifest to S3 (it starts no execution itself), and that manifest's S3 event runs the normal cloud half, whose new
    /// job imports the same prefix under a new client token, ends COMPLETED and is linked both ways in DynamoDB.
    /// </summary>
    [Fact]
    public async Task GivenEveryAdapterOnAwsAndAJobTheServiceFailedOnce_WhenJobsRetryRuns_ThenItsManifestsS3EventImportsTheBatchAgainToCompleted()
    {
        var table = await _dynamo.CreateJobTableAsync();
        var study = await TestStudy.WriteAsync(_temp.Sub("study"), series: 1, instancesPerSeries: 2);
        var instanceTable = await _dynamo.CreateInstanceTableAsync();
        var environment = AwsEnvironment(table, instanceTable);
        await using var gateway = await GatewayProcess.StartAsync(_temp.Sub("data"), environment);
        var sent = await Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path));
        Assert.True(sent.ExitCode == 0, sent.Output + "\n" + gateway.Log);
        using var s3 = _s3.CreateClient();
        string? manifestKey = null;
        Assert.True(
            await GatewayProcess.WaitUntilAsync(async () => (manifestKey = (await KeysAsync(s3, ObjectKeys.ManifestsRoot)).SingleOrDefault()) is not null, Timeout),
            "no batch manifest in s3rver:\n" + gateway.Log);
        _healthImaging.QueueJobFailure("InternalServerException: transient fault");
        var failed = await RunCloudHalfAsync(table, instanceTable, manifestKey!);
        Assert.Equal("FAILED", (string)failed["jobStatus"]!);
        var failedJobId = (string)failed["jobId"]!;

        var retry = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "jobs", "retry", failedJobId, "--json", "--data", _temp.Sub("cli")],
            TimeSpan.FromMinutes(1), environment);

        Assert.True(retry.ExitCode == 0, retry.Output);
        var result = JsonNode.Parse(retry.StdOut)!;
        Assert.Equal(("batch", true), ((string?)result["kind"], (bool)result["retried"]!));
        var retryManifestKey = (string)result["manifestKey"]!;
        Assert.Equal([manifestKey!, retryManifestKey], (await KeysAsync(s3, ObjectKeys.ManifestsRoot)).Order(StringComparer.Ordinal));
        Assert.Single(_stepFunctions.InputsByName);
        var retried = await RunCloudHalfAsync(table, instanceTable, retryManifestKey);
        Assert.Equal("COMPLETED", (string)retried["jobStatus"]!);
        var retriedJobId = (string)retried["jobId"]!;
        var starts = _imagingServer.Calls.Where(c => c.Operation == "StartDICOMImportJob").ToList();
        Assert.Equal(2, starts.Count);
        Assert.Equal((string)starts[0].Input["inputS3Uri"]!, (string)starts[1].Input["inputS3Uri"]!);
        Assert.Equal([(string)failed["batchId"]!, (string)result["batchId"]!], starts.Select(c => (string)c.Input["clientToken"]!));
        using var dynamo = _dynamo.CreateClient();
        var original = (await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["jobId"] = new AttributeValue { S = failedJobId } }, ConsistentRead = true })).Item;
        var retriedItem = (await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["jobId"] = new AttributeValue { S = retriedJobId } }, ConsistentRead = true })).Item;
        Assert.Equal(("FAILED", retriedJobId), (original["jobStatus"].S, original["retriedBy"].S));
        Assert.Equal(("COMPLETED", failedJobId), (retriedItem["jobStatus"].S, retriedItem["retryOf"].S));
        Assert.Equal(failedJobId, (await gateway.GetJsonAsync($"/api/jobs/{retriedJobId}")).GetProperty("retryOf").GetString());
        Assert.Empty(_imagingServer.Violations);
        Assert.Empty(_stepFunctionsServer.Violations);
    }

    /// <summary>The cloud half for one manifest: its S3 event → TriggerImport → StartImportJob → CheckStatus until complete.</summary>
    private async Task<JsonObject> RunCloudHalfAsync(string table, string instanceTable, string manifestKey)
    {
        using var triggerServices = LambdaServices(table, instanceTable, TriggerImportFunction.Name, TriggerImportFunction.Ports);
        using var startServices = LambdaServices(table, instanceTable, StartImportJobFunction.Name, StartImportJobFunction.Ports);
        using var checkServices = LambdaServices(table, instanceTable, CheckStatusFunction.Name, CheckStatusFunction.Ports);
        Assert.True(ObjectKeys.TryParseManifest(manifestKey, out var batchId), manifestKey);
        await InvokeAsync(new TriggerImportFunction(triggerServices).HandleAsync, S3Event(manifestKey));
        var state = await InvokeAsync(new StartImportJobFunction(startServices).HandleAsync, _stepFunctions.InputsByName[batchId.Value]);
        for (var polls = 0; !(bool)state["isComplete"]! && polls < 10; polls++)
        {
            state = await InvokeAsync(new CheckStatusFunction(checkServices).HandleAsync, state.ToJsonString());
        }

        Assert.True((bool)state["isComplete"]!, state.ToJsonString());
        return state;
    }

    /// <summary>What the ECS task definition gives the container, with the endpoints overridden to loopback.</summary>
    [Fact]
    public async Task GivenEveryAdapterOnAws_WhenADeflateBombAndACutDeflatedDataSetAreSent_ThenA700AndC000AndNeitherReachesS3()
    {
        const string ctImageStorage = "1.2.840.10008.5.1.4.1.1.2";
        const string deflated = "1.2.840.10008.1.2.1.99";
        var table = await _dynamo.CreateJobTableAsync();
        var study = await TestStudy.WriteAsync(_temp.Sub("study"), series: 1, instancesPerSeries: 3);
        var dataSets = study.Select(i => Part10.DataSetBytes(i.Path)).ToList();
        var environment = AwsEnvironment(table, await _dynamo.CreateInstanceTableAsync());
        environment["GATEWAY__MAXINFLATEDDATASETBYTES"] = "1048576";
        await using var gateway = await GatewayProcess.StartAsync(_temp.Sub("data"), environment);
        var pixelData = dataSets[0].AsSpan().IndexOf(Convert.FromHexString("E07F1000"));
        byte[][] sent =
        [
            Deflate([.. dataSets[0][..pixelData], .. Convert.FromHexString("E07F1000" + "4F420000" + "00000004"), .. new byte[64 << 20]]), // 64 MiB of Pixel Data
            Deflate(dataSets[1])[..^2],
            Deflate(dataSets[2]),
        ];
        var client = new ImagingGateway.Dicom.Network.Client.DicomClient(new() { CalledAeTitle = "IMAGINGGW" });
        var statuses = new List<ushort>();
        await using (var association = await client.ConnectAsync("127.0.0.1", gateway.Port,
            [new ImagingGateway.Dicom.Network.Pdus.Items.PresentationContextRequestItem(1, ctImageStorage, [deflated])], CancellationToken.None))
        {
            for (var i = 0; i < sent.Length; i++)
            {
                statuses.Add((await association.StoreAsync(ctImageStorage, study[i].SopInstanceUid, deflated, new MemoryStream(sent[i]), sent[i].Length, CancellationToken.None)).Code);
            }

            await association.ReleaseAsync(CancellationToken.None);
        }

        Assert.Equal([(ushort)0xA700, (ushort)0xC000, (ushort)0x0000], statuses);
        using var s3 = _s3.CreateClient();
        Assert.Equal([study[2].SopInstanceUid + ".dcm"], (await KeysAsync(s3, ObjectKeys.InstancesRoot)).Select(k => k[(k.LastIndexOf('/') + 1)..]));
        Assert.Contains("inflates past Gateway:MaxInflatedDataSetBytes (1048576)", gateway.Log, StringComparison.Ordinal);
    }

    /// <summary>PS3.5 A.5: the data set as one raw Deflate stream.</summary>
    private static byte[] Deflate(byte[] dataSet)
    {
        var output = new MemoryStream();
        using (var deflater = new System.IO.Compression.DeflateStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            deflater.Write(dataSet);
        }

        return output.ToArray();
    }

    private Dictionary<string, string> AwsEnvironment(string table, string instanceTable) => new()
    {
        ["GATEWAY__ADAPTERS__STORAGE"] = "S3",
        ["GATEWAY__ADAPTERS__JOBS"] = "DynamoDb",
        ["GATEWAY__ADAPTERS__WORKFLOW"] = "StepFunctions",
        ["GATEWAY__ADAPTERS__IMAGING"] = "HealthImaging",
        ["GATEWAY__AWS__REGION"] = AwsModelServer.Region,
        ["GATEWAY__AWS__DICOMBUCKET"] = S3rverFixture.DicomBucket,
        ["GATEWAY__AWS__RESULTSBUCKET"] = S3rverFixture.ResultsBucket,
        ["GATEWAY__AWS__JOBTABLE"] = table,
        ["GATEWAY__AWS__INSTANCETABLE"] = instanceTable,
        ["GATEWAY__AWS__STATEMACHINEARN"] = StateMachine,
        ["GATEWAY__AWS__DATASTOREID"] = Datastore,
        ["GATEWAY__AWS__DATAACCESSROLEARN"] = Role,
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

    private ServiceProvider LambdaServices(string table, string instanceTable, string function, LambdaPorts ports)
    {
        var endpoints = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_S3"] = _s3.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_DYNAMODB"] = _dynamo.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_MEDICAL_IMAGING"] = _imagingServer.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_SFN"] = _stepFunctionsServer.Endpoint.ToString(),
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            AwsEnvironment(table, instanceTable).Where(e => e.Key.StartsWith("GATEWAY__AWS__", StringComparison.Ordinal))
                .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value)).Build();
        return LambdaHost.Build(function, ports, configuration, services =>
        {
            services.AddSingleton(new AwsEndpoints(name => endpoints.GetValueOrDefault(name)));
            services.AddSingleton<Amazon.Runtime.AWSCredentials>(S3rverFixture.Credentials);
        });
    }

    private static async Task<JsonObject> InvokeAsync(Func<Stream, Task<Stream>> handler, string input)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var output = await handler(new MemoryStream(Encoding.UTF8.GetBytes(input))).WaitAsync(cts.Token);
        return JsonNode.Parse(output)!.AsObject();
    }

    private static async Task<List<string>> KeysAsync(Amazon.S3.IAmazonS3 s3, string prefix)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3rverFixture.DicomBucket, Prefix = prefix }, cts.Token);
        return [.. (response.S3Objects ?? []).Select(o => o.Key)];
    }

    private static async Task<byte[]> ReadAsync(Amazon.S3.IAmazonS3 s3, string key)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await s3.GetObjectAsync(S3rverFixture.DicomBucket, key, cts.Token);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, cts.Token);
        return buffer.ToArray();
    }

    /// <summary>An ObjectCreated:Put notification for the manifest, as S3 sends it to TriggerImport.</summary>
    private static string S3Event(string key) => new JsonObject
    {
        ["Records"] = new JsonArray(new JsonObject
        {
            ["eventVersion"] = "2.1",
            ["eventSource"] = "aws:s3",
            ["awsRegion"] = AwsModelServer.Region,
            ["eventName"] = "ObjectCreated:Put",
            ["s3"] = new JsonObject
            {
                ["s3SchemaVersion"] = "1.0",
                ["bucket"] = new JsonObject { ["name"] = S3rverFixture.DicomBucket, ["arn"] = "arn:aws:s3:::" + S3rverFixture.DicomBucket },
                ["object"] = new JsonObject { ["key"] = string.Join('/', key.Split('/').Select(Uri.EscapeDataString)) },
            },
        }),
    }.ToJsonString();
}
