using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;
using ImagingGateway.Infrastructure.Local.Workflow;
using Moq;

namespace ImagingGateway.Infrastructure.Local.Tests.Workflow;

public sealed class InProcessImportWorkflowTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _temp = new();
    private readonly Mock<IImportWorkflowSteps> _steps = new(MockBehavior.Strict);
    private readonly List<InProcessImportWorkflow> _engines = [];

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit v2 disposes a test class through IAsyncLifetime; it never calls IAsyncDisposable.DisposeAsync.
    public async Task DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            await engine.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public async Task GivenJobThatCompletesOnTheSecondPoll_WhenStarted_ThenTheExecutionSucceedsWithTheFinalState()
    {
        var polls = 0;
        _steps.Setup(s => s.StartImportJobAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ImportState s, CancellationToken _) => s with { JobId = "job-1", JobStatus = "SUBMITTED" });
        _steps.Setup(s => s.CheckStatusAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ImportState s, CancellationToken _) => ++polls < 2
                ? s with { JobStatus = "IN_PROGRESS" }
                : s with { JobStatus = "COMPLETED", IsComplete = true, Message = "imported 3 of 3 files" });
        var workflow = CreateEngine();

        var started = await workflow.StartAsync(Input("BATCH1"), default);
        var done = await workflow.WaitForCompletionAsync("BATCH1", Timeout, default);

        Assert.False(started.AlreadyStarted);
        Assert.Equal("BATCH1", started.Name);
        Assert.Equal(WorkflowStates.Succeeded, done.Status);
        Assert.Equal(WorkflowStates.Done, done.CurrentState);
        Assert.Equal("job-1", done.State.JobId);
        Assert.Equal("COMPLETED", done.State.JobStatus);
        Assert.Equal("imported 3 of 3 files", done.State.Message);
        Assert.Equal(2, polls);
        _steps.Verify(s => s.StartImportJobAsync(It.Is<ImportState>(i => i.BatchId == "BATCH1" && i.InstanceCount == 3), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task GivenStartedExecution_WhenStartedAgainWithTheSameBatch_ThenItIsAlreadyStartedAndRunsOnce()
    {
        SetUpCompletingSteps();
        var workflow = CreateEngine();

        var first = await workflow.StartAsync(Input("BATCH1"), default);
        var second = await workflow.StartAsync(Input("BATCH1"), default);
        await workflow.WaitForCompletionAsync("BATCH1", Timeout, default);
        var third = await workflow.StartAsync(Input("BATCH1"), default);

        Assert.False(first.AlreadyStarted);
        Assert.True(second.AlreadyStarted);
        Assert.True(third.AlreadyStarted);
        Assert.Equal(first.ExecutionId, second.ExecutionId);
        _steps.Verify(s => s.StartImportJobAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task GivenQuotaExceededTwice_WhenStartingTheJob_ThenItIsRetriedAndTheExecutionSucceeds()
    {
        var calls = 0;
        _steps.Setup(s => s.StartImportJobAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .Returns((ImportState s, CancellationToken _) => ++calls <= 2
                ? Task.FromException<ImportState>(new ImagingQuotaExceededException("100 concurrent jobs"))
                : Task.FromResult(s with { JobId = "job-1", JobStatus = "SUBMITTED" }));
        _steps.Setup(s => s.CheckStatusAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ImportState s, CancellationToken _) => s with { JobStatus = "COMPLETED", IsComplete = true });
        var options = FastOptions();
        options.QuotaRetry.MaxAttempts = 2;
        options.TransientRetry.MaxAttempts = 0;
        var workflow = CreateEngine(options);

        await workflow.StartAsync(Input("BATCH1"), default);
        var done = await workflow.WaitForCompletionAsync("BATCH1", Timeout, default);

        Assert.Equal(WorkflowStates.Succeeded, done.Status);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task GivenTaskThatKeepsFailing_WhenRetriesAreExhausted_ThenRecordFailureGetsTheErrorAndTheExecutionFails()
    {
        var calls = 0;
        ImportState? recorded = null;
        _steps.Setup(s => s.StartImportJobAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .Returns((ImportState _, CancellationToken _) =>
            {
                calls++;
                return Task.FromException<ImportState>(new InvalidOperationException("input location is not readable"));
            });
        _steps.Setup(s => s.CheckStatusAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ImportState s, CancellationToken _) =>
            {
                recorded = s;
                return s with { JobStatus = "FAILED", IsComplete = true, Message = $"{s.Error!.Error}: {s.Error.Cause}" };
            });
        var options = FastOptions();
        options.TransientRetry.MaxAttempts = 2;
        var workflow = CreateEngine(options);

        await workflow.StartAsync(Input("BATCH1"), default);
        var done = await workflow.WaitForCompletionAsync("BATCH1", Timeout, default);

        Assert.Equal(3, calls);
        Assert.NotNull(recorded?.Error);
        Assert.Equal(nameof(InvalidOperationException), recorded.Error.Error);
        Assert.Equal("input location is not readable", recorded.Error.Cause);
        Assert.Equal(WorkflowStates.ExecutionFailed, done.Status);
        Assert.Equal(WorkflowStates.Failed, done.CurrentState);
        Assert.Equal(nameof(InvalidOperationException), done.Error);
        Assert.Equal("FAILED", done.State.JobStatus);
    }

    [Fact]
    public async Task GivenExecutionWaitingForItsJob_WhenTheEngineStopsAndAnotherStartsOnTheSameDatabase_ThenItResumesAndCompletes()
    {
        var jobDone = false;
        _steps.Setup(s => s.StartImportJobAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ImportState s, CancellationToken _) => s with { JobId = "job-1", JobStatus = "SUBMITTED" });
        _steps.Setup(s => s.CheckStatusAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ImportState s, CancellationToken _) => jobDone
                ? s with { JobStatus = "COMPLETED", IsComplete = true }
                : s with { JobStatus = "IN_PROGRESS" });
        var first = CreateEngine();
        await first.StartAsync(Input("BATCH1"), default);
        await WaitUntilAsync(async () => (await first.GetExecutionAsync("BATCH1", default))?.State.JobStatus == "IN_PROGRESS");

        await first.DisposeAsync();
        var stopped = await first.GetExecutionAsync("BATCH1", default);
        Assert.Equal(WorkflowStates.Running, stopped!.Status);
        jobDone = true;

        var second = CreateEngine();
        Assert.Equal(1, await second.ResumeAsync(default));
        var done = await second.WaitForCompletionAsync("BATCH1", Timeout, default);

        Assert.Equal(WorkflowStates.Succeeded, done.Status);
        Assert.Equal("job-1", done.State.JobId);
        _steps.Verify(s => s.StartImportJobAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task GivenManyExecutions_WhenTheyRun_ThenNoMoreTasksRunAtOnceThanAllowed()
    {
        var current = 0;
        var peak = 0;
        async Task<ImportState> Work(ImportState s, bool complete)
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref peak, now);
            await Task.Delay(20);
            Interlocked.Decrement(ref current);
            return complete ? s with { IsComplete = true, JobStatus = "COMPLETED" } : s with { JobId = "job-" + s.BatchId };
        }

        _steps.Setup(s => s.StartImportJobAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .Returns((ImportState s, CancellationToken _) => Work(s, complete: false));
        _steps.Setup(s => s.CheckStatusAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .Returns((ImportState s, CancellationToken _) => Work(s, complete: true));
        var options = FastOptions();
        options.MaxConcurrentTasks = 2;
        var workflow = CreateEngine(options);

        var names = Enumerable.Range(0, 12).Select(i => $"BATCH{i}").ToArray();
        foreach (var name in names)
        {
            await workflow.StartAsync(Input(name), default);
        }

        foreach (var name in names)
        {
            Assert.Equal(WorkflowStates.Succeeded, (await workflow.WaitForCompletionAsync(name, Timeout, default)).Status);
        }

        Assert.InRange(peak, 1, 2);
    }

    [Fact]
    public async Task GivenJobThatNeverFinishes_WhenTheExecutionTimeoutPasses_ThenTheExecutionEndsTimedOut()
    {
        _steps.Setup(s => s.StartImportJobAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ImportState s, CancellationToken _) => s with { JobId = "job-1", JobStatus = "SUBMITTED" });
        _steps.Setup(s => s.CheckStatusAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ImportState s, CancellationToken _) => s with { JobStatus = "IN_PROGRESS" });
        var options = FastOptions();
        options.ExecutionTimeout = TimeSpan.FromMilliseconds(400);
        var workflow = CreateEngine(options);

        await workflow.StartAsync(Input("BATCH1"), default);
        var done = await workflow.WaitForCompletionAsync("BATCH1", Timeout, default);

        Assert.Equal(WorkflowStates.TimedOut, done.Status);
        Assert.Equal("States.Timeout", done.Error);
        Assert.True(done.StoppedAt - done.StartedAt >= TimeSpan.FromMilliseconds(400));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../x")]
    [InlineData("a b")]
    public async Task GivenBatchIdThatCannotNameAnExecution_WhenStarting_ThenItIsRejected(string batchId) =>
        await Assert.ThrowsAsync<ArgumentException>(() => CreateEngine().StartAsync(Input(batchId), default));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(10);
        }
    }

    private void SetUpCompletingSteps()
    {
        _steps.Setup(s => s.StartImportJobAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ImportState s, CancellationToken _) => s with { JobId = "job-1", JobStatus = "SUBMITTED" });
        _steps.Setup(s => s.CheckStatusAsync(It.IsAny<ImportState>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ImportState s, CancellationToken _) => s with { JobStatus = "COMPLETED", IsComplete = true });
    }

    private InProcessImportWorkflow CreateEngine(InProcessWorkflowOptions? options = null)
    {
        var engine = new InProcessImportWorkflow(new SqliteDatabase(_temp.Combine("gateway.db")), _steps.Object, options ?? FastOptions());
        _engines.Add(engine);
        return engine;
    }

    private static InProcessWorkflowOptions FastOptions() => new()
    {
        WaitInterval = TimeSpan.FromMilliseconds(30),
        QuotaRetry = new RetryPolicy { Interval = TimeSpan.FromMilliseconds(10), MaxAttempts = 3, FullJitter = false },
        TransientRetry = new RetryPolicy { Interval = TimeSpan.FromMilliseconds(10), MaxAttempts = 2, FullJitter = false },
    };

    private static ImportState Input(string batchId) => new()
    {
        BatchId = batchId,
        InputS3Uri = $"file:///data/instances/dicom/2026/11/28/{batchId}/",
        OutputS3Uri = $"file:///data/results/{batchId}/",
        StudyInstanceUid = "1.2.3",
        InstanceCount = 3,
        TotalBytes = 300,
    };
}
