using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Tests.Contracts;

/// <summary>
/// What every <see cref="IImportWorkflow"/> promises, run against each adapter: one execution per batch, named by the
/// batch id, and a second start of the same batch returns that execution marked already started. What an execution
/// then does is the engine's, not the port's, so it is tested with each engine.
/// </summary>
public abstract class ImportWorkflowContract
{
    /// <summary>An adapter under test; the same instance for every call of one test.</summary>
    protected abstract IImportWorkflow Workflow { get; }

    [Fact]
    public async Task GivenABatch_WhenStarted_ThenOneExecutionNamedByTheBatch()
    {
        var execution = await Workflow.StartAsync(State("01JDQ8Z6Y3N6S0V5K8E2M4T7B1"), CancellationToken.None);

        Assert.Equal("01JDQ8Z6Y3N6S0V5K8E2M4T7B1", execution.Name);
        Assert.False(string.IsNullOrEmpty(execution.ExecutionId));
        Assert.False(execution.AlreadyStarted);
    }

    [Fact]
    public async Task GivenAStartedBatch_WhenStartedAgainEvenWithOtherInput_ThenTheSameExecutionIsAlreadyStarted()
    {
        var first = await Workflow.StartAsync(State("01JDQ8Z6Y3N6S0V5K8E2M4T7B2"), CancellationToken.None);

        var again = await Workflow.StartAsync(State("01JDQ8Z6Y3N6S0V5K8E2M4T7B2") with { InstanceCount = 13 }, CancellationToken.None);

        Assert.True(again.AlreadyStarted);
        Assert.Equal(first.Name, again.Name);
        Assert.Equal(first.ExecutionId, again.ExecutionId);
    }

    [Fact]
    public async Task GivenTwoBatches_WhenBothAreStarted_ThenEachHasItsOwnExecution()
    {
        var first = await Workflow.StartAsync(State("01JDQ8Z6Y3N6S0V5K8E2M4T7B3"), CancellationToken.None);
        var second = await Workflow.StartAsync(State("01JDQ8Z6Y3N6S0V5K8E2M4T7B4"), CancellationToken.None);

        Assert.False(second.AlreadyStarted);
        Assert.NotEqual(first.ExecutionId, second.ExecutionId);
    }

    private static ImportState State(string batchId) => new()
    {
        BatchId = batchId,
        InputS3Uri = $"s3://dicom/dicom/2026/11/28/{batchId}/",
        OutputS3Uri = $"s3://results/{batchId}/",
        StudyInstanceUid = "1.2.840.99",
        SeriesInstanceUid = "1.2.840.99.1",
        SopInstanceUid = "1.2.840.99.1.1",
        StudyDate = "20261128",
        InstanceCount = 12,
        TotalBytes = 123456,
    };
}
