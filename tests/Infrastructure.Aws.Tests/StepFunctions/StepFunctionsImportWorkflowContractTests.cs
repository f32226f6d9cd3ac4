using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using ImagingGateway.Tests.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Infrastructure.Aws.Tests.StepFunctions;

/// <summary>
/// The contract against Step Functions' service model on loopback. This adapter only starts executions; running
/// them is the state machine's, tested from the synthesized template.
/// </summary>
public sealed class StepFunctionsImportWorkflowContractTests : ImportWorkflowContract, IDisposable
{
    private readonly FakeStepFunctions _fake = new();
    private readonly AwsModelServer _server;
    private readonly ServiceProvider _services;

    public StepFunctionsImportWorkflowContractTests()
    {
        _server = new AwsModelServer(new ServiceModel("botocore-stepfunctions-2016-11-23.service-2.json"), _fake.Handle);
        _services = AwsTestServices.Build(
            new Dictionary<string, string?>
            {
                ["Gateway:Aws:Region"] = AwsModelServer.Region,
                ["Gateway:Aws:StateMachineArn"] = "arn:aws:states:eu-west-1:111122223333:stateMachine:DicomImport",
                ["Gateway:Aws:RetryBaseDelay"] = "00:00:00.010",
            },
            new Dictionary<string, string> { ["AWS_ENDPOINT_URL_SFN"] = _server.Endpoint.ToString() },
            (services, configuration) => services.AddStepFunctionsWorkflow(configuration));
    }

    protected override IImportWorkflow Workflow => _services.GetRequiredService<IImportWorkflow>();

    public void Dispose()
    {
        var violations = _server.Violations.ToList();
        _services.Dispose();
        _server.Dispose();
        Assert.Empty(violations); // every request the contract made was valid against the service model
    }
}
