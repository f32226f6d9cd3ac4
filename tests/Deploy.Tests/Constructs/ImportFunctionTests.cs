using System.Text.Json;
using ImagingGateway.Deploy.Stacks;

namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class ImportFunctionTests(ConfiguredApp app)
{
    [Theory]
    [InlineData(ImagingGatewayStack.TriggerImportHandler, 768, 7)]
    [InlineData(ImagingGatewayStack.StartImportJobHandler, 640, 2)]
    [InlineData(ImagingGatewayStack.CheckStatusHandler, 1024, 0)]
    public void GivenImportFunction_WhenReadingIt_ThenDotnet10WithItsMemoryAndReservedConcurrency(string handler, int memory, int reserved)
    {
        var function = Function(handler);
        Assert.Equal("dotnet10", function.GetProperty("Runtime").GetString());
        Assert.Equal(memory, function.GetProperty("MemorySize").GetInt32());
        if (reserved > 0)
        {
            Assert.Equal(reserved, function.GetProperty("ReservedConcurrentExecutions").GetInt32());
        }
        else
        {
            Assert.Null(function.Get("ReservedConcurrentExecutions"));
        }
        Assert.Equal("Active", function.GetProperty("TracingConfig").GetProperty("Mode").GetString());
        Assert.NotNull(function.GetProperty("Code").Get("S3Key"));
    }

    [Theory]
    [InlineData(ImagingGatewayStack.TriggerImportHandler)]
    [InlineData(ImagingGatewayStack.StartImportJobHandler)]
    [InlineData(ImagingGatewayStack.CheckStatusHandler)]
    public void GivenHandlerString_WhenReadingTheContracts_ThenTheLambdaTeamPublishedTheSameString(string handler)
    {
        var contracts = File.ReadAllText(Path.Combine(app.RepositoryRoot, "docs", "contracts.md"));
        Assert.Contains($"`{handler}`", contracts, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenImportFunctions_WhenCounting_ThenExactlyTheContractHandlersExist()
    {
        var handlers = app.Resources("AWS::Lambda::Function")
            .Select(f => f.Resource.Props().Get("Handler")?.GetString() ?? "")
            .Where(h => h.StartsWith("ImagingGateway.Lambda::", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
            new[]
            {
                ImagingGatewayStack.CheckStatusHandler, ImagingGatewayStack.RecordExecutionFailureHandler,
                ImagingGatewayStack.StartImportJobHandler, ImagingGatewayStack.TriggerImportHandler,
            },
            handlers);
    }

    [Fact]
    public void GivenImportFunctions_WhenReadingEnvironments_ThenEachGetsOnlyTheKeysItsHandlerReads()
    {
        string[] jobs = ["GATEWAY__AWS__REGION", "GATEWAY__AWS__JOBTABLE", "GATEWAY__AWS__DATASTOREID", "GATEWAY__AWS__DATAACCESSROLEARN"];
        foreach (var handler in new[] { ImagingGatewayStack.StartImportJobHandler, ImagingGatewayStack.RecordExecutionFailureHandler })
        {
            Assert.Equal(jobs.Order(StringComparer.Ordinal), Variables(handler).Keys.Order(StringComparer.Ordinal));
        }
        // CheckStatus also records each instance's import outcome in the received-instance index.
        var checkStatus = Variables(ImagingGatewayStack.CheckStatusHandler);
        Assert.Equal(jobs.Append("GATEWAY__AWS__INSTANCETABLE").Order(StringComparer.Ordinal), checkStatus.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(app.Table("sopInstanceUID").Id, checkStatus["GATEWAY__AWS__INSTANCETABLE"].Target());
        var trigger = Variables(ImagingGatewayStack.TriggerImportHandler);
        Assert.Equal(
            new[] { "GATEWAY__AWS__DICOMBUCKET", "GATEWAY__AWS__REGION", "GATEWAY__AWS__RESULTSBUCKET", "GATEWAY__AWS__STATEMACHINEARN" },
            trigger.Keys.Order(StringComparer.Ordinal));
        var machine = app.Resources("AWS::StepFunctions::StateMachine").Single().Id;
        Assert.Equal(machine, trigger["GATEWAY__AWS__STATEMACHINEARN"].Target());
    }

    [Fact]
    public void GivenTriggerImport_WhenReadingItsPolicy_ThenItReadsTheDicomBucketAndStartsExecutionsOnly()
    {
        var statements = app.StatementsOfFunction(ImagingGatewayStack.TriggerImportHandler);
        var actions = statements.Actions();
        Assert.Contains("states:StartExecution", actions);
        Assert.Contains("s3:GetObject", actions);
        Assert.DoesNotContain(actions, a => a.StartsWith("dynamodb:", StringComparison.Ordinal) || a.StartsWith("medical-imaging:", StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.StartsWith("s3:Put", StringComparison.Ordinal) || a.StartsWith("s3:Delete", StringComparison.Ordinal));
        var machine = app.Resources("AWS::StepFunctions::StateMachine").Single().Id;
        var start = statements.Single(s => s.GetProperty("Action").Strings().Contains("states:StartExecution"));
        Assert.Equal([machine], start.ResourceTargets());
        // Issue #22: a late duplicate S3 event describes the execution already started for its batch.
        var describe = statements.Single(s => s.GetProperty("Action").Strings().Contains("states:DescribeExecution"));
        Assert.Contains(":execution:", describe.GetProperty("Resource").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void GivenStartImportJob_WhenReadingItsPolicy_ThenItStartsImportsWritesJobsAndLinksRetriesWithoutS3Access()
    {
        var actions = app.StatementsOfFunction(ImagingGatewayStack.StartImportJobHandler).Actions();
        Assert.Contains("medical-imaging:StartDICOMImportJob", actions);
        Assert.Contains("iam:PassRole", actions);
        Assert.Contains("dynamodb:PutItem", actions);
        Assert.Contains("dynamodb:GetItem", actions);
        // A retry batch's job links the job it re-imports (retriedBy): the only update StartImportJob makes.
        Assert.Contains("dynamodb:UpdateItem", actions);
        Assert.DoesNotContain(actions, a => a.StartsWith("s3:", StringComparison.Ordinal) || a.StartsWith("states:", StringComparison.Ordinal));
        Assert.DoesNotContain("medical-imaging:GetDICOMImportJob", actions);
    }

    [Fact]
    public void GivenCheckStatus_WhenReadingItsPolicy_ThenItPollsJobsReadsResultsAndUpdatesJobs()
    {
        var statements = app.StatementsOfFunction(ImagingGatewayStack.CheckStatusHandler);
        var actions = statements.Actions();
        Assert.Contains("medical-imaging:GetDICOMImportJob", actions);
        Assert.Contains("dynamodb:UpdateItem", actions);
        Assert.Contains("s3:GetObject", actions);
        Assert.DoesNotContain("medical-imaging:StartDICOMImportJob", actions);
        Assert.DoesNotContain("iam:PassRole", actions);
        Assert.DoesNotContain(actions, a => a.StartsWith("s3:Put", StringComparison.Ordinal) || a.StartsWith("states:", StringComparison.Ordinal));
        // CheckStatus reads the output location from its input; the results bucket is the one TriggerImport names.
        var results = Variables(ImagingGatewayStack.TriggerImportHandler)["GATEWAY__AWS__RESULTSBUCKET"].Target();
        var read = statements.Single(s => s.GetProperty("Action").Strings().Contains("s3:GetObject"));
        Assert.All(read.ResourceTargets(), id => Assert.Equal(results, id));
        // On the received-instance table it only updates outcomes: one conditional UpdateItem per instance, no reads.
        var instances = app.Table("sopInstanceUID").Id;
        Assert.Equal([$"dynamodb:UpdateItem on <{instances}>"], statements.Grants().Where(g => g.Contains($"<{instances}>", StringComparison.Ordinal)));
    }

    [Fact]
    public void GivenTriggerImport_WhenItsS3EventFailsAfterRetries_ThenTheEventIsKeptInAnEncryptedQueue()
    {
        var queue = app.Resources("AWS::SQS::Queue").Single();
        var function = Function(ImagingGatewayStack.TriggerImportHandler);
        Assert.Equal(queue.Id, function.GetProperty("DeadLetterConfig").GetProperty("TargetArn").Target());
        var invokeConfig = Assert.Single(app.Resources("AWS::Lambda::EventInvokeConfig"),
            c => c.Resource.Props().GetProperty("FunctionName").Target() == app.FunctionId(ImagingGatewayStack.TriggerImportHandler)).Resource.Props();
        Assert.Equal(2, invokeConfig.GetProperty("MaximumRetryAttempts").GetInt32());
        Assert.Equal(6 * 3600, invokeConfig.GetProperty("MaximumEventAgeInSeconds").GetInt32());
        Assert.True(queue.Resource.Props().GetProperty("SqsManagedSseEnabled").GetBoolean());
        Assert.Equal(14 * 86400, queue.Resource.Props().GetProperty("MessageRetentionPeriod").GetInt32());
        Assert.Equal("Retain", queue.Resource.GetProperty("DeletionPolicy").GetString());
        var send = app.StatementsOfFunction(ImagingGatewayStack.TriggerImportHandler)
            .Single(s => s.GetProperty("Action").Strings().Contains("sqs:SendMessage"));
        Assert.Equal([queue.Id], send.ResourceTargets());
    }

    private JsonElement Function(string handler) =>
        app.Json.RootElement.GetProperty("Resources").GetProperty(app.FunctionId(handler)).Props();

    private Dictionary<string, JsonElement> Variables(string handler) =>
        Function(handler).GetProperty("Environment").GetProperty("Variables").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
}
