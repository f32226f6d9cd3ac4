using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImagingGateway.Deploy.Stacks;

namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class ImportStateMachineTests(ConfiguredApp app)
{
    private static readonly string[] RequiredRetryErrors =
    [
        "ThrottlingException", "ServiceQuotaExceededException", "Lambda.TooManyRequestsException", "Lambda.ServiceException", "TransientServiceException",
    ];

    // Issue #23 item 8: a permanent error (validation, access denied) must reach RecordFailure at once, not after retries.
    [Fact]
    public void GivenTaskRetries_WhenReadingWhatTheyMatch_ThenNoCatchAllOrGenericTaskFailureIsRetried()
    {
        var states = Definition()["States"]!;
        foreach (var name in new[] { "StartImportJob", "CheckStatus", "RecordFailure" })
        {
            var retried = states[name]!["Retry"]!.AsArray().SelectMany(r => r!["ErrorEquals"]!.AsArray().Select(e => (string)e!)).ToList();
            Assert.DoesNotContain("States.ALL", retried);
            Assert.DoesNotContain("States.TaskFailed", retried);
            Assert.DoesNotContain("ValidationException", retried);
            Assert.DoesNotContain("AccessDeniedException", retried);
        }
    }

    [Fact]
    public void GivenQuotaErrors_WhenReadingTheirRetry_ThenABurstWaitsHoursRatherThanFailing()
    {
        var retry = Definition()["States"]!["StartImportJob"]!["Retry"]!.AsArray()
            .Single(r => r!["ErrorEquals"]!.AsArray().Any(e => (string)e! == "ServiceQuotaExceededException"))!;
        Assert.Equal(["ThrottlingException", "ServiceQuotaExceededException", "Lambda.TooManyRequestsException"], retry["ErrorEquals"]!.AsArray().Select(e => (string)e!));
        Assert.Equal("FULL", (string)retry["JitterStrategy"]!);
        // Full jitter waits on average half of each capped delay: the sum is the expected time a start keeps trying.
        var interval = (double)retry["IntervalSeconds"]!;
        var expected = Enumerable.Range(0, (int)retry["MaxAttempts"]!)
            .Sum(n => Math.Min(interval * Math.Pow((double)retry["BackoffRate"]!, n), (int)retry["MaxDelaySeconds"]!) / 2);
        Assert.InRange(expected, 3 * 3600, 12 * 3600);
    }

    [Fact]
    public void GivenTheStack_WhenReadingEventRules_ThenExecutionsEndingWithoutRecordingInvokeTheRecorder()
    {
        var rule = Assert.Single(app.Resources("AWS::Events::Rule")).Resource.Props();
        var pattern = rule.GetProperty("EventPattern");
        Assert.Equal(["aws.states"], pattern.GetProperty("source").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["Step Functions Execution Status Change"], pattern.GetProperty("detail-type").EnumerateArray().Select(e => e.GetString()));
        var detail = pattern.GetProperty("detail");
        Assert.Equal(["FAILED", "TIMED_OUT", "ABORTED"], detail.GetProperty("status").EnumerateArray().Select(e => e.GetString()));
        var machine = app.Resources("AWS::StepFunctions::StateMachine").Single().Id;
        Assert.Equal(machine, detail.GetProperty("stateMachineArn")[0].Target());
        var target = Assert.Single(rule.GetProperty("Targets").EnumerateArray().ToList());
        Assert.Equal(app.FunctionId(ImagingGatewayStack.RecordExecutionFailureHandler), target.GetProperty("Arn").Target());
        Assert.True(target.TryGetProperty("DeadLetterConfig", out _));
    }

    [Fact]
    public void GivenStateMachine_WhenReadingStates_ThenNamesAndTypesFollowTheContract()
    {
        var states = Definition()["States"]!.AsObject();
        var types = states.ToDictionary(s => s.Key, s => (string)s.Value!["Type"]!);
        Assert.Equal(new Dictionary<string, string>
        {
            ["TriggerImport"] = "Pass",
            ["StartImportJob"] = "Task",
            ["WaitForCompletion"] = "Wait",
            ["CheckStatus"] = "Task",
            ["IsComplete"] = "Choice",
            ["RecordFailure"] = "Task",
            ["Done"] = "Succeed",
            ["Failed"] = "Fail",
        }, types);
        Assert.Equal("TriggerImport", (string)Definition()["StartAt"]!);
    }

    [Fact]
    public void GivenStateMachine_WhenFollowingTransitions_ThenItLoopsUntilCompleteAndRoutesErrorsToRecordFailure()
    {
        var states = Definition()["States"]!;
        Assert.Equal("StartImportJob", (string)states["TriggerImport"]!["Next"]!);
        Assert.Equal("WaitForCompletion", (string)states["StartImportJob"]!["Next"]!);
        Assert.Equal("CheckStatus", (string)states["WaitForCompletion"]!["Next"]!);
        Assert.Equal(30, (int)states["WaitForCompletion"]!["Seconds"]!);
        Assert.Equal("IsComplete", (string)states["CheckStatus"]!["Next"]!);
        var choice = Assert.Single(states["IsComplete"]!["Choices"]!.AsArray())!;
        Assert.Equal("$.isComplete", (string)choice["Variable"]!);
        Assert.True((bool)choice["BooleanEquals"]!);
        Assert.Equal("Done", (string)choice["Next"]!);
        Assert.Equal("WaitForCompletion", (string)states["IsComplete"]!["Default"]!);
        Assert.Equal("Failed", (string)states["RecordFailure"]!["Next"]!);
        foreach (var name in new[] { "StartImportJob", "CheckStatus" })
        {
            var handler = Assert.Single(states[name]!["Catch"]!.AsArray())!;
            Assert.Equal(["States.ALL"], handler["ErrorEquals"]!.AsArray().Select(e => (string)e!));
            Assert.Equal("$.error", (string)handler["ResultPath"]!);
            Assert.Equal("RecordFailure", (string)handler["Next"]!);
        }
    }

    [Fact]
    public void GivenStateMachine_WhenReadingTasks_ThenEachInvokesItsLambdaDirectlyAndRetriesWithBackoff()
    {
        var states = Definition()["States"]!;
        var startId = app.FunctionId(ImagingGatewayStack.StartImportJobHandler);
        var checkId = app.FunctionId(ImagingGatewayStack.CheckStatusHandler);
        Assert.Equal($"<{startId}>", (string)states["StartImportJob"]!["Resource"]!);
        Assert.Equal($"<{checkId}>", (string)states["CheckStatus"]!["Resource"]!);
        Assert.Equal($"<{checkId}>", (string)states["RecordFailure"]!["Resource"]!);
        foreach (var name in new[] { "StartImportJob", "CheckStatus", "RecordFailure" })
        {
            var retries = states[name]!["Retry"]!.AsArray();
            var retried = retries.SelectMany(r => r!["ErrorEquals"]!.AsArray().Select(e => (string)e!)).ToList();
            Assert.All(RequiredRetryErrors, error => Assert.Contains(error, retried));
            Assert.All(retries, r =>
            {
                Assert.True((double)r!["BackoffRate"]! > 1, $"{name} backoff");
                Assert.True((int)r["MaxAttempts"]! >= 3, $"{name} attempts");
            });
            // The result replaces the state: ImportState in, ImportState out.
            Assert.Null(states[name]!["ResultPath"]);
            Assert.Null(states[name]!["Parameters"]);
        }
    }

    [Fact]
    public void GivenStateMachine_WhenReadingItsProperties_ThenItHasATimeoutLogsToCloudWatchAndTraces()
    {
        Assert.Equal(12 * 3600, (int)Definition()["TimeoutSeconds"]!);
        var machine = app.Single("AWS::StepFunctions::StateMachine").Props();
        Assert.Equal("STANDARD", machine.GetProperty("StateMachineType").GetString());
        var logging = machine.GetProperty("LoggingConfiguration");
        Assert.Equal("ALL", logging.GetProperty("Level").GetString());
        Assert.False(logging.GetProperty("IncludeExecutionData").GetBoolean());
        var group = logging.GetProperty("Destinations")[0].GetProperty("CloudWatchLogsLogGroup").GetProperty("LogGroupArn").Target();
        Assert.Equal("AWS::Logs::LogGroup", app.Json.RootElement.GetProperty("Resources").GetProperty(group!).GetProperty("Type").GetString());
        Assert.True(machine.GetProperty("TracingConfiguration").GetProperty("Enabled").GetBoolean());
    }

    [Fact]
    public void GivenStateMachine_WhenValidatingWithAslValidator_ThenTheDefinitionIsValid()
    {
        var result = Validate(WithArns(Definition()).ToJsonString());
        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public void GivenDefinitionWithoutItsSucceedState_WhenValidatingWithAslValidator_ThenTheValidatorRejectsIt()
    {
        // Proves the validator check above can fail: a Choice pointing at a missing state is invalid ASL.
        var broken = WithArns(Definition());
        broken["States"]!.AsObject().Remove("Done");
        var result = Validate(broken.ToJsonString());
        Assert.NotEqual(0, result.ExitCode);
    }

    private JsonNode Definition() =>
        JsonNode.Parse(app.Single("AWS::StepFunctions::StateMachine").Props().GetProperty("DefinitionString").JoinText())!;

    /// <summary>Replaces the <c>&lt;logicalId&gt;</c> placeholders of task resources with well-formed Lambda ARNs.</summary>
    private static JsonNode WithArns(JsonNode definition)
    {
        foreach (var (_, state) in definition["States"]!.AsObject())
        {
            if (state!["Resource"] is JsonValue resource && ((string)resource!).StartsWith('<'))
            {
                var name = ((string)resource!).Trim('<', '>');
                state["Resource"] = $"arn:aws:lambda:eu-west-1:111122223333:function:{name}";
            }
        }
        return definition;
    }

    private (int ExitCode, string Output) Validate(string definition)
    {
        var validator = Path.Combine(app.RepositoryRoot, "tests", "tools", "node_modules", ".bin", "asl-validator");
        Assert.True(File.Exists(validator), $"asl-validator missing at {validator}: run tests/setup.d/20-npm-tools.sh");
        var file = Path.Combine(Path.GetTempPath(), $"asl-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, definition);
        try
        {
            using var process = Process.Start(new ProcessStartInfo(validator, ["--json-path", file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("asl-validator did not finish within 60 s");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
