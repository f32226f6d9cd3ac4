using System.Collections.Concurrent;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImagingGateway.Infrastructure.Local.Workflow;

/// <summary>
/// The import state machine of docs/contracts.md run in process: TriggerImport (Pass) → StartImportJob →
/// WaitForCompletion → CheckStatus → IsComplete (→ Done, or back to WaitForCompletion), with the cloud's retriers
/// and its Catch (→ RecordFailure → Failed). Every transition is written to SQLite before the next state runs, so a
/// killed process resumes each unfinished execution where it stood (<see cref="ResumeAsync"/>); task states are
/// idempotent (client token = batch id, create-if-absent, conditional updates), so re-running one is harmless.
/// One execution per name (the batch id): starting it again returns the existing one, marked AlreadyStarted.
/// </summary>
public sealed partial class InProcessImportWorkflow : IImportWorkflow, IAsyncDisposable
{
    public const int MaxNameLength = 80;

    private readonly SqliteWorkflowExecutionStore _executions;
    private readonly IImportWorkflowSteps _steps;
    private readonly InProcessWorkflowOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _taskSlots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public InProcessImportWorkflow(
        SqliteDatabase database,
        IImportWorkflowSteps steps,
        InProcessWorkflowOptions options,
        TimeProvider? time = null,
        ILogger<InProcessImportWorkflow>? logger = null)
    {
        _executions = new SqliteWorkflowExecutionStore(database);
        _steps = steps;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _taskSlots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentTasks));
    }

    /// <summary>Executions this process is driving right now.</summary>
    public int ActiveExecutions => _running.Count;

    public async Task<WorkflowExecution> StartAsync(ImportState input, CancellationToken cancellationToken)
    {
        var name = input.BatchId;
        ValidateName(name);
        var now = _time.GetUtcNow();
        var execution = new WorkflowExecutionInfo(
            Name: name,
            ExecutionId: ExecutionIdOf(name),
            Status: WorkflowStates.Running,
            CurrentState: WorkflowStates.TriggerImport,
            State: input,
            QuotaAttempts: 0,
            TransientAttempts: 0,
            NextRunAt: now,
            StartedAt: now,
            UpdatedAt: now,
            StoppedAt: null,
            Error: null,
            Cause: null);

        if (await _executions.InsertIfAbsentAsync(execution, cancellationToken).ConfigureAwait(false))
        {
            LogStarted(_logger, name);
            Schedule(name);
            return new WorkflowExecution(name, execution.ExecutionId, AlreadyStarted: false);
        }

        var existing = await _executions.GetAsync(name, cancellationToken).ConfigureAwait(false);
        return new WorkflowExecution(name, existing?.ExecutionId ?? execution.ExecutionId, AlreadyStarted: true);
    }

    /// <summary>Picks up every execution still RUNNING in the database (after a restart). Returns how many.</summary>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        var names = await _executions.ListRunningAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in names)
        {
            Schedule(name);
        }

        if (names.Count > 0)
        {
            LogResumed(_logger, names.Count);
        }

        return names.Count;
    }

    public Task<WorkflowExecutionInfo?> GetExecutionAsync(string name, CancellationToken cancellationToken) =>
        _executions.GetAsync(name, cancellationToken);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        _executions.ExistsAsync(name, cancellationToken);

    /// <summary>Waits until the execution has finished (SUCCEEDED or FAILED), polling its row.</summary>
    public async Task<WorkflowExecutionInfo> WaitForCompletionAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            var execution = await _executions.GetAsync(name, limit.Token).ConfigureAwait(false);
            if (execution is { IsRunning: false })
            {
                return execution;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"execution {name} did not finish within {timeout} (now {execution?.CurrentState ?? "absent"})");
            }
        }
    }

    /// <summary>Stops driving executions (they stay RUNNING in the database and resume at the next start).</summary>
    public async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_running.Values.ToArray()).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _taskSlots.Dispose();
    }

    private static string ExecutionIdOf(string name) => $"local:execution:import:{name}";

    private static void ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"batchId '{name}' cannot name an execution (1 to {MaxNameLength} of [A-Za-z0-9_-])", nameof(name));
        }
    }

    private void Schedule(string name)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_running.TryAdd(name, gate.Task))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(name, _stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                _running.TryRemove(name, out _);
                gate.SetResult();
            }
        });
    }

    private async Task RunAsync(string name, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                WorkflowExecutionInfo? execution;
                try
                {
                    execution = await _executions.GetAsync(name, stopping).ConfigureAwait(false);
                    if (execution is not { IsRunning: true })
                    {
                        return;
                    }

                    var deadline = execution.StartedAt + _options.ExecutionTimeout;
                    var runAt = execution.NextRunAt < deadline ? execution.NextRunAt : deadline;
                    var delay = runAt - _time.GetUtcNow();
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                    }

                    var next = _time.GetUtcNow() >= deadline
                        ? Finish(execution, WorkflowStates.TimedOut, execution.CurrentState, execution.State, "States.Timeout",
                            $"the execution ran longer than {_options.ExecutionTimeout}")
                        : await StepAsync(execution, stopping).ConfigureAwait(false);
                    if (!await _executions.UpdateAsync(next, stopping).ConfigureAwait(false) || !next.IsRunning)
                    {
                        LogFinished(_logger, name, next.Status, next.CurrentState);
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    // The database itself failed (a task's failure is handled inside StepAsync): try again shortly.
                    LogEngineError(_logger, ex, name);
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: the execution stays where it was persisted and resumes at the next start.
        }
    }

    /// <summary>Runs the current state once and returns the execution's next position (not yet persisted).</summary>
    private async Task<WorkflowExecutionInfo> StepAsync(WorkflowExecutionInfo e, CancellationToken stopping)
    {
        switch (e.CurrentState)
        {
            case WorkflowStates.TriggerImport:
                return MoveTo(e, WorkflowStates.StartImportJob, e.State);

            case WorkflowStates.StartImportJob:
                return await RunTaskAsync(e, _steps.StartImportJobAsync, WorkflowStates.WaitForCompletion, stopping).ConfigureAwait(false);

            case WorkflowStates.WaitForCompletion:
                return MoveTo(e, WorkflowStates.CheckStatus, e.State);

            case WorkflowStates.CheckStatus:
                return await RunTaskAsync(e, _steps.CheckStatusAsync, WorkflowStates.IsComplete, stopping).ConfigureAwait(false);

            case WorkflowStates.IsComplete:
                return e.State.IsComplete
                    ? Finish(e, WorkflowStates.Succeeded, WorkflowStates.Done, e.State, null, null)
                    : MoveTo(e, WorkflowStates.WaitForCompletion, e.State);

            case WorkflowStates.RecordFailure:
                return await RunTaskAsync(e, _steps.CheckStatusAsync, WorkflowStates.Failed, stopping).ConfigureAwait(false);

            default:
                return Finish(e, WorkflowStates.ExecutionFailed, WorkflowStates.Failed, e.State, "States.Runtime", $"unknown state '{e.CurrentState}'");
        }
    }

    private async Task<WorkflowExecutionInfo> RunTaskAsync(
        WorkflowExecutionInfo e,
        Func<ImportState, CancellationToken, Task<ImportState>> task,
        string next,
        CancellationToken stopping)
    {
        ImportState result;
        await _taskSlots.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            result = await task(e.State, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            return OnTaskFailed(e, ex);
        }
        finally
        {
            _taskSlots.Release();
        }

        if (next == WorkflowStates.Failed)
        {
            var error = e.State.Error;
            return Finish(e, WorkflowStates.ExecutionFailed, WorkflowStates.Failed, result, error?.Error, error?.Cause);
        }

        return MoveTo(e, next, result);
    }

    /// <summary>The retriers, in the state machine's order, then the Catch (States.ALL → RecordFailure).</summary>
    private WorkflowExecutionInfo OnTaskFailed(WorkflowExecutionInfo e, Exception ex)
    {
        var error = WorkflowErrors.NameOf(ex);
        var now = _time.GetUtcNow();
        var quota = WorkflowErrors.IsQuota(error);
        var policy = quota ? _options.QuotaRetry : _options.TransientRetry;
        var attempts = quota ? e.QuotaAttempts : e.TransientAttempts;
        if (attempts < policy.MaxAttempts)
        {
            var delay = policy.DelayFor(attempts, Random.Shared.NextDouble());
            LogRetry(_logger, e.Name, e.CurrentState, error, attempts + 1, policy.MaxAttempts, delay.TotalSeconds, ex.Message);
            return e with
            {
                QuotaAttempts = quota ? attempts + 1 : e.QuotaAttempts,
                TransientAttempts = quota ? e.TransientAttempts : attempts + 1,
                NextRunAt = now + delay,
                UpdatedAt = now,
                Error = error,
                Cause = ex.Message,
            };
        }

        LogTaskFailed(_logger, ex, e.Name, e.CurrentState, error);
        if (e.CurrentState == WorkflowStates.RecordFailure)
        {
            // RecordFailure has no Catch: the execution fails with the error it could not record.
            return Finish(e, WorkflowStates.ExecutionFailed, WorkflowStates.Failed, e.State, error, ex.Message);
        }

        return MoveTo(e, WorkflowStates.RecordFailure, e.State with { Error = new WorkflowError(error, ex.Message) });
    }

    private WorkflowExecutionInfo MoveTo(WorkflowExecutionInfo e, string state, ImportState data)
    {
        var now = _time.GetUtcNow();
        return e with
        {
            CurrentState = state,
            State = data,
            QuotaAttempts = 0,
            TransientAttempts = 0,
            NextRunAt = state == WorkflowStates.WaitForCompletion ? now + _options.WaitInterval : now,
            UpdatedAt = now,
            Error = null,
            Cause = null,
        };
    }

    private WorkflowExecutionInfo Finish(WorkflowExecutionInfo e, string status, string state, ImportState data, string? error, string? cause)
    {
        var now = _time.GetUtcNow();
        return e with
        {
            Status = status,
            CurrentState = state,
            State = data,
            NextRunAt = now,
            UpdatedAt = now,
            StoppedAt = now,
            Error = error,
            Cause = cause,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Name}: started")]
    private static partial void LogStarted(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow: resuming {Count} unfinished executions")]
    private static partial void LogResumed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Name}: {Status} in state {State}")]
    private static partial void LogFinished(ILogger logger, string name, string status, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {Name}: {State} failed with {Error}; retry {Attempt} of {MaxAttempts} in {DelaySeconds:F1} s: {Cause}")]
    private static partial void LogRetry(ILogger logger, string name, string state, string error, int attempt, int maxAttempts, double delaySeconds, string cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow {Name}: {State} failed with {Error} after its retries")]
    private static partial void LogTaskFailed(ILogger logger, Exception exception, string name, string state, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow {Name}: engine error, retrying")]
    private static partial void LogEngineError(ILogger logger, Exception exception, string name);
}
