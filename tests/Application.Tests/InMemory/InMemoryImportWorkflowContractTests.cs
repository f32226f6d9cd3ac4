using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Application.Tests.InMemory;

public sealed class InMemoryImportWorkflowContractTests : ImportWorkflowContract
{
    protected override IImportWorkflow Workflow { get; } = new InMemoryImportWorkflow();
}
