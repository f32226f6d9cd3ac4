using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Tests.Contracts;

/// <summary>
/// What every <see cref="IImagingService"/> promises, run against each adapter: a started job is SUBMITTED in its
/// data store, a client token starts at most one job, polling moves a job only forward until it ends with endedAt,
/// and a completed job's results count what it imported.
/// </summary>
public abstract class ImagingServiceContract
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Puts one valid DICOM instance where the adapter reads a batch's input and returns the request that imports it,
    /// with <paramref name="clientToken"/> as its client token.
    /// </summary>
    protected abstract Task<StartImportRequest> PrepareImportAsync(string clientToken);

    /// <summary>An adapter under test; the same instance for every call of one test.</summary>
    protected abstract IImagingService Imaging { get; }

    /// <summary>The pause between two polls of a job.</summary>
    protected virtual TimeSpan PollInterval => TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task GivenAPreparedBatch_WhenStarted_ThenASubmittedJobOfItsDatastoreComesBack()
    {
        var request = await PrepareImportAsync("01JDQ8Z6Y3N6S0V5K8E2M4T7A1");

        var started = await Imaging.StartImportJobAsync(request, CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(started.JobId));
        Assert.Equal(request.DatastoreId, started.DatastoreId);
        Assert.Equal(ImportJobStatus.Submitted, started.Status);
    }

    [Fact]
    public async Task GivenAStartedJob_WhenStartedAgainWithTheSameClientToken_ThenTheSameJobAndAnotherTokenStartsAnother()
    {
        var request = await PrepareImportAsync("01JDQ8Z6Y3N6S0V5K8E2M4T7A2");
        var other = await PrepareImportAsync("01JDQ8Z6Y3N6S0V5K8E2M4T7A3");

        var first = await Imaging.StartImportJobAsync(request, CancellationToken.None);
        var again = await Imaging.StartImportJobAsync(request, CancellationToken.None);
        var another = await Imaging.StartImportJobAsync(other, CancellationToken.None);

        Assert.Equal(first.JobId, again.JobId);
        Assert.NotEqual(first.JobId, another.JobId);
    }

    [Fact]
    public async Task GivenAStartedJob_WhenPolledUntilItEnds_ThenItOnlyMovesForwardAndCompletesWithEndedAt()
    {
        var request = await PrepareImportAsync("01JDQ8Z6Y3N6S0V5K8E2M4T7A4");
        var started = await Imaging.StartImportJobAsync(request, CancellationToken.None);

        var state = await WaitForEndAsync(request, started);

        Assert.Equal(ImportJobStatus.Completed, state.Status);
        Assert.Equal(started.SubmittedAt, state.SubmittedAt);
    }

    [Fact]
    public async Task GivenACompletedJob_WhenItsResultsAreRead_ThenThePreparedInstanceIsCountedAsImported()
    {
        var request = await PrepareImportAsync("01JDQ8Z6Y3N6S0V5K8E2M4T7A5");
        var started = await Imaging.StartImportJobAsync(request, CancellationToken.None);
        await WaitForEndAsync(request, started);

        var results = await Imaging.ReadJobResultsAsync(request.DatastoreId, started.JobId, request.OutputS3Uri, CancellationToken.None);

        Assert.Equal((1, 1, 0), (results.TotalFiles, results.SucceededFiles, results.FailedFiles));
        Assert.Empty(results.Failures);
        Assert.Single(results.ImageSets);
    }

    private async Task<ImportJobState> WaitForEndAsync(StartImportRequest request, StartedImportJob started)
    {
        var seen = new List<ImportJobStatus> { started.Status };
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var state = await Imaging.GetImportJobAsync(request.DatastoreId, started.JobId, CancellationToken.None);
            Assert.Equal(started.JobId, state.JobId);
            Assert.Equal(request.DatastoreId, state.DatastoreId);
            if (state.Status != seen[^1])
            {
                Assert.True(ImportJob.IsLegalTransition(seen[^1], state.Status), $"{seen[^1]} -> {state.Status}");
                seen.Add(state.Status);
            }

            Assert.Equal(state.Status.IsTerminal(), state.EndedAt is not null);
            if (state.Status.IsTerminal())
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {started.JobId} did not end within {Patience}");
            await Task.Delay(PollInterval);
        }
    }
}
