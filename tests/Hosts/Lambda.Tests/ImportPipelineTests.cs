using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using DicomUid = ImagingGateway.Domain.Dicom.DicomUid;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Writing;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Infrastructure.Aws.Common;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using ImagingGateway.Lambda.CheckStatus;
using ImagingGateway.Lambda.Hosting;
using ImagingGateway.Lambda.StartImportJob;
using ImagingGateway.Lambda.TriggerImport;
using ImagingGateway.Lambda.RecordExecutionFailure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Lambda.Tests;

/// <summary>
/// The three functions invoked in-process as the runtime would (Stream in, Stream out), composed by
/// <see cref="LambdaHost"/> from GATEWAY__AWS__* settings, against s3rver, dynalite and the model-checking
/// HealthImaging and Step Functions servers.
/// </summary>
public sealed class ImportPipelineTests : IClassFixture<PipelineFixture>, IDisposable
{
    private const string Datastore = "00112233445566778899aabbccddeeff";
    private const string Role = "arn:aws:iam::111122223333:role/HealthImagingImport";
    private const string StateMachine = "arn:aws:states:eu-west-1:111122223333:stateMachine:DicomImport";
    private readonly PipelineFixture _aws;
    private readonly string _table;
    private readonly ServiceProvider _trigger;
    private readonly ServiceProvider _start;
    private readonly ServiceProvider _check;
    private readonly ServiceProvider _record;
    private readonly StringWriter _metricLines = new();

    public ImportPipelineTests(PipelineFixture aws)
    {
        _aws = aws;
        _table = aws.Dynamo.CreateJobTableAsync().GetAwaiter().GetResult();
        aws.HealthImaging.PollsToComplete = 3;
        aws.HealthImaging.OnCompleted = new JobOutputWriter(_ => aws.S3.CreateClient(), arn => arn).Write;
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_S3"] = aws.S3.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_DYNAMODB"] = aws.Dynamo.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_MEDICAL_IMAGING"] = aws.ImagingServer.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_SFN"] = aws.StepFunctionsServer.Endpoint.ToString(),
        };

        // Each function gets only the settings the CDK app gives it (docs/contracts.md), so one that reads a setting
        // it was not given fails here as it would when deployed.
        var common = new Dictionary<string, string>
        {
            ["GATEWAY__AWS__REGION"] = AwsModelServer.Region,
            ["GATEWAY__AWS__FORCEPATHSTYLE"] = "true",
            ["GATEWAY__AWS__RETRYBASEDELAY"] = "00:00:00.010",
        };
        var trigger = new Dictionary<string, string>(common)
        {
            ["GATEWAY__AWS__DICOMBUCKET"] = S3rverFixture.DicomBucket,
            ["GATEWAY__AWS__RESULTSBUCKET"] = S3rverFixture.ResultsBucket,
            ["GATEWAY__AWS__STATEMACHINEARN"] = StateMachine,
        };
        var jobs = new Dictionary<string, string>(common)
        {
            ["GATEWAY__AWS__JOBTABLE"] = _table,
            ["GATEWAY__AWS__DATASTOREID"] = Datastore,
            ["GATEWAY__AWS__DATAACCESSROLEARN"] = Role,
        };
        ServiceProvider Build(string function, LambdaPorts ports, Dictionary<string, string> settings) =>
            LambdaHost.Build(function, ports, new ConfigurationBuilder().AddInMemoryCollection(ToConfiguration(settings)).Build(), services =>
            {
                services.AddSingleton(new AwsEndpoints(name => environment.GetValueOrDefault(name)));
                services.AddSingleton<Amazon.Runtime.AWSCredentials>(S3rverFixture.Credentials);
                services.AddSingleton(new JobStatusMetrics(_metricLines, TimeProvider.System));
            });
        _trigger = Build(TriggerImportFunction.Name, TriggerImportFunction.Ports, trigger);
        _start = Build(StartImportJobFunction.Name, StartImportJobFunction.Ports, jobs);
        _check = Build(CheckStatusFunction.Name, CheckStatusFunction.Ports, new Dictionary<string, string>(jobs)
        {
            ["GATEWAY__AWS__INSTANCETABLE"] = aws.Dynamo.CreateInstanceTableAsync().GetAwaiter().GetResult(),
        });
        _record = Build(RecordExecutionFailureFunction.Name, RecordExecutionFailureFunction.Ports, jobs);
    }

    public void Dispose()
    {
        _trigger.Dispose();
        _start.Dispose();
        _check.Dispose();
        _record.Dispose();
        _metricLines.Dispose();
    }

    [Fact]
    public async Task GivenClosedBatch_WhenTheManifestEventRunsThroughTheFunctions_ThenTheJobEndsCompletedInDynamoDb()
    {
        var batchId = await StoreBatchAsync(instances: 3);

        var trigger = await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));

        var execution = Assert.Single(trigger["executions"]!.AsArray())!;
        Assert.Equal(batchId.Value, (string)execution["batchId"]!);
        Assert.Equal($"arn:aws:states:eu-west-1:111122223333:execution:DicomImport:{batchId}", (string)execution["executionArn"]!);
        Assert.False((bool)execution["alreadyStarted"]!);
        var executionInput = _aws.StepFunctions.InputsByName[batchId.Value];

        var started = await InvokeAsync(new StartImportJobFunction(_start).HandleAsync, executionInput);
        var jobId = (string)started["jobId"]!;
        Assert.Equal("SUBMITTED", (string)started["jobStatus"]!);
        Assert.Equal("SUBMITTED", (await ItemAsync(jobId))["jobStatus"].S);

        var state = started;
        var polls = 0;
        while (!(bool)state["isComplete"]! && polls < 10)
        {
            state = await InvokeAsync(new CheckStatusFunction(_check).HandleAsync, state.ToJsonString());
            polls++;
        }

        Assert.Equal(3, polls);
        Assert.Equal("COMPLETED", (string)state["jobStatus"]!);
        var item = await ItemAsync(jobId);
        Assert.Equal("COMPLETED", item["jobStatus"].S);
        Assert.True(item.ContainsKey("endedAt"));
        Assert.Equal(batchId.Value, item["batchId"].S);
        Assert.Equal("3", item["instanceCount"].N);
        Assert.Equal($"s3://dicom/{ObjectKeys.BatchPrefix(batchId)}", item["inputS3Uri"].S);
        Assert.Equal($"s3://results/{batchId}/", item["outputS3Uri"].S);
        Assert.Equal("1.2.826.0.1.3680043.10.1", item["studyInstanceUID"].S);
        Assert.Equal(Datastore, item["datastoreId"].S);
        Assert.Equal(Role, item["dataAccessRoleArn"].S);
        Assert.False(string.IsNullOrEmpty(item["message"].S));
        Assert.Equal((string)state["message"]!, item["message"].S);
        Assert.Empty(_aws.ImagingServer.Violations);
        Assert.Empty(_aws.StepFunctionsServer.Violations);
        var start = Assert.Single(_aws.ImagingServer.Calls, c => c.Operation == "StartDICOMImportJob" && (string)c.Input["clientToken"]! == batchId.Value);
        Assert.Equal($"s3://dicom/{ObjectKeys.BatchPrefix(batchId)}", (string)start.Input["inputS3Uri"]!);
        var statuses = MetricStatuses();
        Assert.Equal("SUBMITTED", statuses[0]);
        Assert.Equal("COMPLETED", statuses[^1]);
        Assert.All(statuses.Zip(statuses.Skip(1)), p => Assert.NotEqual(p.First, p.Second));
        Assert.All(statuses, s => Assert.Contains(s, new[] { "SUBMITTED", "IN_PROGRESS", "COMPLETED" }));
    }

    [Fact]
    public async Task GivenAStartedJob_WhenTheStatusIsUnchanged_ThenCheckStatusWritesNoMetricLine()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));
        var started = await InvokeAsync(new StartImportJobFunction(_start).HandleAsync, _aws.StepFunctions.InputsByName[batchId.Value]);
        Assert.Equal(["SUBMITTED"], MetricStatuses());
        var first = await InvokeAsync(new CheckStatusFunction(_check).HandleAsync, started.ToJsonString());
        var linesAfterFirst = MetricStatuses().Count;

        var again = await InvokeAsync(new CheckStatusFunction(_check).HandleAsync, first.ToJsonString());

        Assert.Equal((string)first["jobStatus"]!, (string)again["jobStatus"]!);
        Assert.Equal(["SUBMITTED", (string)first["jobStatus"]!], MetricStatuses());
        Assert.Equal(2, linesAfterFirst);
    }

    [Fact]
    public async Task GivenOnlyEnvironmentVariables_WhenTheRuntimeConstructsTheFunction_ThenItComposesAndStartsTheExecution()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        var variables = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = S3rverFixture.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3rverFixture.SecretKey,
            ["AWS_ENDPOINT_URL_S3"] = _aws.S3.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_DYNAMODB"] = _aws.Dynamo.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_MEDICAL_IMAGING"] = _aws.ImagingServer.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_SFN"] = _aws.StepFunctionsServer.Endpoint.ToString(),
            ["GATEWAY__AWS__REGION"] = AwsModelServer.Region,
            ["GATEWAY__AWS__DICOMBUCKET"] = S3rverFixture.DicomBucket,
            ["GATEWAY__AWS__RESULTSBUCKET"] = S3rverFixture.ResultsBucket,
            ["GATEWAY__AWS__STATEMACHINEARN"] = StateMachine,
            ["GATEWAY__AWS__FORCEPATHSTYLE"] = "true",
        };
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            // The runtime's path: parameterless constructor, composition from the process environment.
            var output = await InvokeAsync(new TriggerImportFunction().HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));

            Assert.Equal(batchId.Value, (string)output["executions"]![0]!["batchId"]!);
            Assert.Contains(batchId.Value, _aws.StepFunctions.InputsByName.Keys);
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    [Fact]
    public async Task GivenTheSameManifestEventTwice_WhenTriggered_ThenTheSecondIsAlreadyStartedOrTheSameExecution()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        var function = new TriggerImportFunction(_trigger);

        var first = await InvokeAsync(function.HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));
        var second = await InvokeAsync(function.HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));

        Assert.Equal((string)first["executions"]![0]!["executionArn"]!, (string)second["executions"]![0]!["executionArn"]!);
        Assert.Single(_aws.StepFunctions.InputsByName, e => e.Key == batchId.Value);
    }

    [Fact]
    public async Task GivenEventForAnObjectThatIsNotAManifest_WhenTriggered_ThenNothingStarts()
    {
        var before = _aws.StepFunctionsServer.Calls.Count;

        var output = await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event("dicom/2026/11/28/x/some+file%281%29.dcm"));

        Assert.Empty(output["executions"]!.AsArray());
        Assert.Equal(before, _aws.StepFunctionsServer.Calls.Count);
    }

    /// <summary>A permanently unimportable batch is logged, not thrown: S3's retries could not help.</summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task GivenManifestListingAMissingObjectOrNoValidDicom_WhenTriggered_ThenNothingStartsAndTheInvocationSucceeds(bool deleteOne, bool notDicom)
    {
        var batchId = await StoreBatchAsync(instances: 2, deleteOne, notDicom);
        var before = _aws.StepFunctionsServer.Calls.Count;

        var output = await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));

        Assert.Empty(output["executions"]!.AsArray());
        Assert.Equal(before, _aws.StepFunctionsServer.Calls.Count);
    }

    [Theory]
    [InlineData("{ \"Records\": [ { \"s3\": { \"bucket\": { } } } ] }")]
    [InlineData("{ \"Records\": \"none\" }")]
    [InlineData("not json")]
    public async Task GivenMalformedEvent_WhenTriggered_ThenTheInvocationFailsAndNothingStarts(string body)
    {
        var before = _aws.StepFunctionsServer.Calls.Count;

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => new TriggerImportFunction(_trigger).HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(body))));

        Assert.Contains("malformed S3 event", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, _aws.StepFunctionsServer.Calls.Count);
    }

    [Fact]
    public void GivenUrlEncodedKey_WhenDecoded_ThenPlusIsASpaceAndEscapesAreResolved()
    {
        Assert.Equal("dicom/a b(1)+.dcm", S3EventNotification.DecodeKey("dicom/a+b%281%29%2B.dcm"));
    }

    [Fact]
    public async Task GivenCaughtError_WhenCheckStatusRecordsIt_ThenTheJobIsFailedWithTheCause()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));
        var started = await InvokeAsync(new StartImportJobFunction(_start).HandleAsync, _aws.StepFunctions.InputsByName[batchId.Value]);
        started["error"] = new JsonObject { ["Error"] = "States.Timeout", ["Cause"] = "CheckStatus timed out" };

        var recorded = await InvokeAsync(new CheckStatusFunction(_check).HandleAsync, started.ToJsonString());

        Assert.Equal("FAILED", (string)recorded["jobStatus"]!);
        Assert.True((bool)recorded["isComplete"]!);
        var item = await ItemAsync((string)started["jobId"]!);
        Assert.Equal("FAILED", item["jobStatus"].S);
        Assert.Contains("CheckStatus timed out", item["message"].S, StringComparison.Ordinal);
        Assert.Equal(["SUBMITTED", "FAILED"], MetricStatuses());
    }

    [Fact]
    public async Task GivenAManifestEventForAnotherBucket_WhenTriggered_ThenNothingStartsAndTheInvocationSucceeds()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        var before = _aws.StepFunctionsServer.Calls.Count;

        var output = await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)).Replace("\"name\": \"dicom\"", "\"name\": \"other\"", StringComparison.Ordinal));

        Assert.Empty(output["executions"]!.AsArray());
        Assert.Equal(before, _aws.StepFunctionsServer.Calls.Count);
    }

    [Fact]
    public async Task GivenStepFunctionsKeepsThrottling_WhenTriggered_ThenTheInvocationFailsSoS3RetriesIt()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        for (var i = 0; i < 6; i++)
        {
            _aws.StepFunctions.QueueError(ServiceResponse.Error(400, "ThrottlingException", "Rate exceeded"));
        }

        // The client's retries are spent: the throttling itself leaves the function, not a failure of the input.
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => new TriggerImportFunction(_trigger).HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(S3Event(ObjectKeys.Manifest(batchId))))));

        Assert.Equal("ThrottlingException", e.ErrorCode);
        Assert.True(e.IsRetryable);
        Assert.DoesNotContain(_aws.StepFunctions.InputsByName, x => x.Key == batchId.Value);
        var retried = await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));
        Assert.Equal(batchId.Value, (string)Assert.Single(retried["executions"]!.AsArray())!["batchId"]!);
    }

    [Fact]
    public async Task GivenQuotaExceeded_WhenStartingTheJob_ThenTheErrorHasTheNameTheStateMachineRetries()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));
        _aws.HealthImaging.QueueError("StartDICOMImportJob", ServiceResponse.Error(402, "ServiceQuotaExceededException", "100 concurrent import jobs"));

        var e = await Assert.ThrowsAsync<ServiceQuotaExceededException>(() =>
            new StartImportJobFunction(_start).HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(_aws.StepFunctions.InputsByName[batchId.Value]))));

        Assert.Equal("ServiceQuotaExceededException", e.GetType().Name);
    }

    // Issue #22: StartImportJob and CheckStatus are deployed without the state machine ARN, which only TriggerImport gets.
    [Fact]
    public async Task GivenFunctionsComposedWithOnlyTheirOwnSettings_WhenStartAndCheckRun_ThenNoneNeedsTheStateMachineArn()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));

        var started = await InvokeAsync(new StartImportJobFunction(_start).HandleAsync, _aws.StepFunctions.InputsByName[batchId.Value]);
        var checkedOnce = await InvokeAsync(new CheckStatusFunction(_check).HandleAsync, started.ToJsonString());

        Assert.Equal("SUBMITTED", (string)started["jobStatus"]!);
        Assert.Equal((string)started["jobId"]!, (string)checkedOnce["jobId"]!);
        var workflow = _start.GetRequiredService<IImportWorkflow>();
        var e = Assert.Throws<InvalidOperationException>(() => { _ = workflow.StartAsync(null!, CancellationToken.None); });
        Assert.Contains("StartImportJob does not compose IImportWorkflow", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenStartImportJobWithoutItsDatastoreSetting_WhenInvoked_ThenTheErrorNamesTheVariable()
    {
        using var services = LambdaHost.Build(StartImportJobFunction.Name, StartImportJobFunction.Ports,
            new ConfigurationBuilder().AddInMemoryCollection(ToConfiguration(new Dictionary<string, string>
            {
                ["GATEWAY__AWS__REGION"] = AwsModelServer.Region,
                ["GATEWAY__AWS__JOBTABLE"] = _table,
                ["GATEWAY__AWS__DATAACCESSROLEARN"] = Role,
            })).Build());

        var e = await Assert.ThrowsAsync<MissingSettingException>(() =>
            new StartImportJobFunction(services).HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes("{}"))));

        Assert.Equal("GATEWAY__AWS__DATASTOREID", e.Variable);
        Assert.Contains("StartImportJob", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenTriggerImportWithoutTheStateMachineArn_WhenAManifestArrives_ThenTheErrorNamesTheVariable()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        using var services = LambdaHost.Build(TriggerImportFunction.Name, TriggerImportFunction.Ports,
            new ConfigurationBuilder().AddInMemoryCollection(ToConfiguration(new Dictionary<string, string>
            {
                ["GATEWAY__AWS__REGION"] = AwsModelServer.Region,
                ["GATEWAY__AWS__DICOMBUCKET"] = S3rverFixture.DicomBucket,
                ["GATEWAY__AWS__RESULTSBUCKET"] = S3rverFixture.ResultsBucket,
                ["GATEWAY__AWS__FORCEPATHSTYLE"] = "true",
            })).Build(), services =>
            {
                services.AddSingleton(new AwsEndpoints(name => name == "AWS_ENDPOINT_URL_S3" ? _aws.S3.Endpoint.ToString() : null));
                services.AddSingleton<Amazon.Runtime.AWSCredentials>(S3rverFixture.Credentials);
            });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new TriggerImportFunction(services).HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(S3Event(ObjectKeys.Manifest(batchId))))));

        Assert.Contains("GATEWAY__AWS__STATEMACHINEARN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAPermanentStartFailure_WhenRecordFailureRunsWithoutAJob_ThenTheBatchIsRecordedFailedUnderItsId()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));
        var input = JsonNode.Parse(_aws.StepFunctions.InputsByName[batchId.Value])!.AsObject();
        input["error"] = new JsonObject { ["Error"] = "ValidationException", ["Cause"] = "inputS3Uri is not readable" };

        var recorded = await InvokeAsync(new CheckStatusFunction(_check).HandleAsync, input.ToJsonString());

        Assert.Equal("FAILED", (string)recorded["jobStatus"]!);
        Assert.Equal(batchId.Value, (string)recorded["jobId"]!);
        var item = await ItemAsync(batchId.Value);
        Assert.Equal("FAILED", item["jobStatus"].S);
        Assert.Contains("ValidationException: inputS3Uri is not readable", item["message"].S, StringComparison.Ordinal);
        Assert.True(item.ContainsKey("endedAt"));
    }

    [Theory]
    [InlineData("TIMED_OUT", "States.Timeout", "Execution timed out after 24 hours")]
    [InlineData("ABORTED", null, null)]
    public async Task GivenAStartedJob_WhenItsExecutionEndsFromOutside_ThenTheRecorderMarksTheJobFailedWithTheReason(string status, string? error, string? cause)
    {
        var batchId = await StoreBatchAsync(instances: 1);
        await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));
        var input = _aws.StepFunctions.InputsByName[batchId.Value];
        var started = await InvokeAsync(new StartImportJobFunction(_start).HandleAsync, input);
        var jobId = (string)started["jobId"]!;

        var recorded = await InvokeAsync(new RecordExecutionFailureFunction(_record).HandleAsync, ExecutionEvent(batchId.Value, status, input, error, cause));

        Assert.Equal(jobId, (string)recorded["jobId"]!);
        var item = await ItemAsync(jobId);
        Assert.Equal("FAILED", item["jobStatus"].S);
        Assert.Contains(error ?? "ExecutionAborted", item["message"].S, StringComparison.Ordinal);
        Assert.Contains(cause ?? $"ended {status}", item["message"].S, StringComparison.Ordinal);
        Assert.Equal(["SUBMITTED", "FAILED"], MetricStatuses());
    }

    [Fact]
    public async Task GivenAnExecutionAbortedBeforeAnyJob_WhenRecorded_ThenTheBatchIsRecordedFailed()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));

        await InvokeAsync(new RecordExecutionFailureFunction(_record).HandleAsync,
            ExecutionEvent(batchId.Value, "ABORTED", _aws.StepFunctions.InputsByName[batchId.Value], null, null));

        var item = await ItemAsync(batchId.Value);
        Assert.Equal("FAILED", item["jobStatus"].S);
        Assert.Contains("no import job was started", item["message"].S, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAJobTheCatchAlreadyRecordedFailed_WhenTheFailedExecutionEventArrives_ThenTheRecordIsUnchanged()
    {
        var batchId = await StoreBatchAsync(instances: 1);
        await InvokeAsync(new TriggerImportFunction(_trigger).HandleAsync, S3Event(ObjectKeys.Manifest(batchId)));
        var input = _aws.StepFunctions.InputsByName[batchId.Value];
        var started = await InvokeAsync(new StartImportJobFunction(_start).HandleAsync, input);
        started["error"] = new JsonObject { ["Error"] = "AccessDeniedException", ["Cause"] = "first cause" };
        await InvokeAsync(new CheckStatusFunction(_check).HandleAsync, started.ToJsonString());

        await InvokeAsync(new RecordExecutionFailureFunction(_record).HandleAsync,
            ExecutionEvent(batchId.Value, "FAILED", input, "ImportFailed", "second cause"));

        var item = await ItemAsync((string)started["jobId"]!);
        Assert.Equal("FAILED", item["jobStatus"].S);
        Assert.Contains("first cause", item["message"].S, StringComparison.Ordinal);
        Assert.DoesNotContain("second cause", item["message"].S, StringComparison.Ordinal);
        Assert.Equal(["SUBMITTED", "FAILED"], MetricStatuses());
    }

    [Fact]
    public async Task GivenAnEventThatIsNotAnExecutionStatusChange_WhenRecorded_ThenTheInvocationFailsAsInvalidInput()
    {
        var e = await Assert.ThrowsAsync<InvalidInputException>(() =>
            new RecordExecutionFailureFunction(_record).HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes("""{"detail-type":"Object Created","detail":{}}"""))));

        Assert.Contains("Step Functions Execution Status Change", e.Message, StringComparison.Ordinal);
    }

    /// <summary>An EventBridge "Step Functions Execution Status Change" event as AWS documents it.</summary>
    private static string ExecutionEvent(string name, string status, string input, string? error, string? cause)
    {
        var detail = new JsonObject
        {
            ["executionArn"] = $"arn:aws:states:eu-west-1:111122223333:execution:DicomImport:{name}",
            ["stateMachineArn"] = StateMachine,
            ["name"] = name,
            ["status"] = status,
            ["startDate"] = 1733555000000,
            ["stopDate"] = 1733556000000,
            ["input"] = input,
            ["output"] = null,
            ["error"] = error,
            ["cause"] = cause,
        };
        return new JsonObject
        {
            ["version"] = "0",
            ["id"] = Guid.NewGuid().ToString(),
            ["detail-type"] = "Step Functions Execution Status Change",
            ["source"] = "aws.states",
            ["account"] = "111122223333",
            ["time"] = "2026-12-07T08:00:00Z",
            ["region"] = "eu-west-1",
            ["resources"] = new JsonArray($"arn:aws:states:eu-west-1:111122223333:execution:DicomImport:{name}"),
            ["detail"] = detail,
        }.ToJsonString();
    }

    /// <summary>The JobStatus of each metric line written so far, each checked to be one EMF document for ImportJobs.</summary>
    private List<string> MetricStatuses() =>
        [.. _metricLines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var emf = JsonNode.Parse(line.TrimEnd('\r'))!.AsObject();
            var directive = Assert.Single(emf["_aws"]!["CloudWatchMetrics"]!.AsArray())!;
            Assert.Equal("ImagingGateway", (string)directive["Namespace"]!);
            Assert.Equal("ImportJobs", (string)Assert.Single(directive["Metrics"]!.AsArray())!["Name"]!);
            Assert.Equal(1, (int)emf["ImportJobs"]!);
            return (string)emf["JobStatus"]!;
        })];

    private static async Task<JsonObject> InvokeAsync(Func<Stream, Task<Stream>> handler, string input)
    {
        await using var output = await handler(new MemoryStream(Encoding.UTF8.GetBytes(input)));
        return JsonNode.Parse(output)!.AsObject();
    }

    /// <summary>An ObjectCreated:Put notification shaped as S3 sends it, with the key URL-encoded.</summary>
    private static string S3Event(string key)
    {
        var encoded = string.Join('/', key.Split('/').Select(s => Uri.EscapeDataString(Uri.UnescapeDataString(s.Replace('+', ' '))).Replace("%20", "+", StringComparison.Ordinal)));
        return $$"""
            {
              "Records": [
                {
                  "eventVersion": "2.1",
                  "eventSource": "aws:s3",
                  "awsRegion": "eu-west-1",
                  "eventTime": "2026-11-28T05:00:00.000Z",
                  "eventName": "ObjectCreated:Put",
                  "userIdentity": { "principalId": "AWS:AROAEXAMPLE:gateway" },
                  "requestParameters": { "sourceIPAddress": "10.0.1.23" },
                  "responseElements": { "x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD" },
                  "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "batch-manifests",
                    "bucket": { "name": "dicom", "ownerIdentity": { "principalId": "A3NL1KOZZKExample" }, "arn": "arn:aws:s3:::dicom" },
                    "object": { "key": "{{encoded}}", "size": 1024, "eTag": "d41d8cd98f00b204e9800998ecf8427e", "sequencer": "0055AED6DCD90281E5" }
                  }
                }
              ]
            }
            """;
    }

    private async Task<BatchId> StoreBatchAsync(int instances, bool deleteOne = false, bool notDicom = false)
    {
        var batchId = BatchId.New(DateTimeOffset.UtcNow);
        using var s3 = _aws.S3.CreateClient();
        var list = new List<BatchManifestInstance>();
        for (var i = 1; i <= instances; i++)
        {
            var sop = DicomUid.Parse($"1.2.826.0.1.3680043.10.1.1.{i}");
            var key = ObjectKeys.Instance(batchId, sop);
            var body = notDicom ? new byte[132 + (i * 100)] : Part10(sop.Value, pixelBytes: i * 100);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = S3rverFixture.DicomBucket, Key = key, InputStream = new MemoryStream(body), UseChunkEncoding = false });
            list.Add(new BatchManifestInstance
            {
                Key = key,
                Size = body.Length,
                SopClassUid = "1.2.840.10008.5.1.4.1.1.2",
                SopInstanceUid = sop.Value,
                StudyInstanceUid = "1.2.826.0.1.3680043.10.1",
                SeriesInstanceUid = "1.2.826.0.1.3680043.10.1.1",
                StudyDate = "20261128",
                TransferSyntaxUid = "1.2.840.10008.1.2.1",
                ReceivedAt = DateTimeOffset.UtcNow,
            });
        }

        if (deleteOne)
        {
            await s3.DeleteObjectAsync(S3rverFixture.DicomBucket, list[^1].Key);
        }

        var manifest = new BatchManifest
        {
            BatchId = batchId.Value,
            InputPrefix = ObjectKeys.BatchPrefix(batchId),
            OpenedAt = DateTimeOffset.UtcNow,
            ClosedAt = DateTimeOffset.UtcNow,
            CloseReason = "A-RELEASE",
            Instances = list,
        };
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = S3rverFixture.DicomBucket,
            Key = ObjectKeys.Manifest(batchId),
            ContentBody = JsonSerializer.Serialize(manifest, ApplicationJsonContext.Default.BatchManifest),
            UseChunkEncoding = false,
        });
        return batchId;
    }

    /// <summary>A small CT image as the Gateway stores it: Part 10 meta, then an explicit VR little endian data set.</summary>
    private static byte[] Part10(string sopInstanceUid, int pixelBytes)
    {
        var dataSet = new DataSet();
        dataSet.SetString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.840.10008.5.1.4.1.1.2");
        dataSet.SetString(DicomTags.SOPInstanceUID, DicomVr.UI, sopInstanceUid);
        dataSet.SetString(DicomTags.StudyDate, DicomVr.DA, "20261128");
        dataSet.SetString(DicomTags.Modality, DicomVr.CS, "CT");
        dataSet.SetString(DicomTags.StudyInstanceUID, DicomVr.UI, "1.2.826.0.1.3680043.10.1");
        dataSet.SetString(DicomTags.SeriesInstanceUID, DicomVr.UI, "1.2.826.0.1.3680043.10.1.1");
        dataSet.Set(new ValueElement(DicomTags.PixelData, DicomVr.OW, new byte[pixelBytes]));
        using var file = new MemoryStream();
        var writer = new Part10FileWriter(file);
        writer.WriteFileMetaInformation(DicomFileMetaInformation.Create("1.2.840.10008.5.1.4.1.1.2", sopInstanceUid, "1.2.840.10008.1.2.1"));
        writer.WriteDataSet(DataSetWriter.Encode(dataSet, TransferSyntax.ExplicitVRLittleEndian));
        return file.ToArray();
    }

    private async Task<Dictionary<string, AttributeValue>> ItemAsync(string jobId)
    {
        using var client = _aws.Dynamo.CreateClient();
        var response = await client.GetItemAsync(new GetItemRequest { TableName = _table, Key = new() { ["jobId"] = new AttributeValue { S = jobId } }, ConsistentRead = true });
        Assert.True(response.Item is { Count: > 0 }, $"job {jobId} is not in the table");
        return response.Item;
    }

    /// <summary>GATEWAY__AWS__X=v as the environment-variables provider maps it: Gateway:Aws:X.</summary>
    private static Dictionary<string, string?> ToConfiguration(Dictionary<string, string> environment) =>
        environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
}
