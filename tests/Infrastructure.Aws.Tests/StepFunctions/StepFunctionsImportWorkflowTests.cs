using System.Text.Json.Nodes;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.Common;
using ImagingGateway.Infrastructure.Aws.StepFunctions;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Infrastructure.Aws.Tests.StepFunctions;

public sealed class StepFunctionsImportWorkflowTests : IDisposable
{
    private const string StateMachine = "arn:aws:states:eu-west-1:111122223333:stateMachine:DicomImport";
    private readonly FakeStepFunctions _fake = new();
    private readonly AwsModelServer _server;
    private readonly ServiceProvider _services;

    public StepFunctionsImportWorkflowTests()
    {
        _server = new AwsModelServer(new ServiceModel("botocore-stepfunctions-2016-11-23.service-2.json"), _fake.Handle);
        _services = AwsTestServices.Build(
            new Dictionary<string, string?>
            {
                ["Gateway:Aws:Region"] = AwsModelServer.Region,
                ["Gateway:Aws:StateMachineArn"] = StateMachine,
                ["Gateway:Aws:RetryBaseDelay"] = "00:00:00.010",
            },
            new Dictionary<string, string> { ["AWS_ENDPOINT_URL_SFN"] = _server.Endpoint.ToString() },
            (services, configuration) => services.AddStepFunctionsWorkflow(configuration));
    }

    private IImportWorkflow Workflow => _services.GetRequiredService<IImportWorkflow>();

    public void Dispose()
    {
        _services.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task GivenBatch_WhenStarted_ThenOneValidSignedStartExecutionNamedByTheBatchWithImportStateInput()
    {
        var execution = await Workflow.StartAsync(State("01JDQ8Z6Y3N6S0V5K8E2M4T7QW"), CancellationToken.None);

        Assert.Empty(_server.Violations);
        var call = Assert.Single(_server.Calls);
        Assert.Equal("StartExecution", call.Operation);
        Assert.Equal("01JDQ8Z6Y3N6S0V5K8E2M4T7QW", (string)call.Input["name"]!);
        Assert.Equal(StateMachine, (string)call.Input["stateMachineArn"]!);
        var input = JsonNode.Parse((string)call.Input["input"]!)!.AsObject();
        Assert.Equal(
            ["batchId", "inputS3Uri", "outputS3Uri", "studyInstanceUID", "seriesInstanceUID", "sopInstanceUID", "studyDate", "instanceCount", "totalBytes", "retryOf", "jobId", "jobStatus", "isComplete", "message", "error"],
            input.Select(p => p.Key));
        Assert.Equal(12, (int)input["instanceCount"]!);
        Assert.Null(input["jobId"]);
        Assert.Equal("arn:aws:states:eu-west-1:111122223333:execution:DicomImport:01JDQ8Z6Y3N6S0V5K8E2M4T7QW", execution.ExecutionId);
        Assert.False(execution.AlreadyStarted);
        Assert.Equal("01JDQ8Z6Y3N6S0V5K8E2M4T7QW", execution.Name);
    }

    [Fact]
    public async Task GivenExecutionOfTheBatchExists_WhenStartedWithOtherInput_ThenAlreadyStartedWithItsArn()
    {
        var first = await Workflow.StartAsync(State("01JDQ8Z6Y3N6S0V5K8E2M4T7QX"), CancellationToken.None);

        var again = await Workflow.StartAsync(State("01JDQ8Z6Y3N6S0V5K8E2M4T7QX") with { InstanceCount = 13 }, CancellationToken.None);

        Assert.True(again.AlreadyStarted);
        Assert.Equal(first.ExecutionId, again.ExecutionId);
        Assert.Equal(["StartExecution", "StartExecution", "DescribeExecution"], _server.Calls.Select(c => c.Operation));
        Assert.Single(_fake.InputsByName);
        Assert.Empty(_server.Violations);
    }

    [Fact]
    public async Task GivenThrottling_WhenStarting_ThenRetriedAndStartedOnce()
    {
        _fake.QueueError(ServiceResponse.Error(400, "ThrottlingException", "Rate exceeded"));
        _fake.QueueError(ServiceResponse.Error(503, "ServiceUnavailable", "busy"));

        var execution = await Workflow.StartAsync(State("01JDQ8Z6Y3N6S0V5K8E2M4T7QY"), CancellationToken.None);

        Assert.False(execution.AlreadyStarted);
        Assert.Equal(3, _server.Calls.Count);
        Assert.Single(_fake.InputsByName);
    }

    [Fact]
    public async Task GivenMissingStateMachine_WhenStarting_ThenTheServiceErrorSurfaces()
    {
        _fake.QueueError(ServiceResponse.Error(400, "StateMachineDoesNotExist", "State Machine Does Not Exist"));

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => Workflow.StartAsync(State("01JDQ8Z6Y3N6S0V5K8E2M4T7QZ"), CancellationToken.None));

        Assert.Equal("StateMachineDoesNotExist", e.ErrorCode);
        Assert.Single(_server.Calls);
    }

    [Fact]
    public void GivenStateMachineArn_WhenNamingAnExecution_ThenTheExecutionArnFollowsTheArnFormat()
    {
        Assert.Equal(
            "arn:aws-cn:states:cn-north-1:1:execution:M:b",
            StepFunctionsImportWorkflow.ExecutionArnOf("arn:aws-cn:states:cn-north-1:1:stateMachine:M", "b"));
        Assert.Throws<FormatException>(() => StepFunctionsImportWorkflow.ExecutionArnOf("arn:aws:lambda:x", "b"));
    }

    private static ImportState State(string batchId) => new()
    {
        BatchId = batchId,
        InputS3Uri = $"s3://dicom/dicom/2026/11/28/{batchId}/",
        OutputS3Uri = $"s3://results/{batchId}/",
        StudyInstanceUid = "1.2.840.1",
        SeriesInstanceUid = "1.2.840.1.1",
        SopInstanceUid = "1.2.840.1.1.1",
        StudyDate = "20261128",
        InstanceCount = 12,
        TotalBytes = 123456,
    };
}
