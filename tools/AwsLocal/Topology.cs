using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using ImagingGateway.AwsLocal.Events;
using ImagingGateway.AwsLocal.Lambda;
using ImagingGateway.AwsLocal.Template;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;

namespace ImagingGateway.AwsLocal;

/// <summary>
/// The whole AWS topology of the template on loopback: s3rver (buckets and their Lambda notifications), dynalite (the
/// tables), the HealthImaging and Step Functions model servers (the state machines run in aws-local-stepfunctions),
/// the Lambda Invoke API with one execution environment per function, EventBridge rules on execution status changes,
/// and the Gateway in AWS mode with its task definition's environment. Writes <c>run.json</c> when ready.
/// </summary>
public sealed class Topology : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    /// <summary>The session token (principal) of requests made by tools/AwsLocal itself, its tests and its user.</summary>
    public const string HarnessPrincipal = "AwsLocal";

    private readonly List<IDisposable> _owned = [];
    private readonly string _runDirectory;
    private readonly TemplateModel _model;
    private readonly LocalPaths _paths;
    private readonly RequestLog _log;
    private const int DefaultPollsToComplete = 2;

    private readonly FakeHealthImaging _healthImaging = new() { PollsToComplete = DefaultPollsToComplete };
    // Idle connections are dropped before node's 5 s keep-alive timeout closes them, so no request races a closing socket.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2) });
    private AwsModelServer? _imagingServer;
    private AwsModelServer? _statesServer;
    private LambdaService? _lambda;
    private EmulatorProcess? _gateway;
    private int _sfnPort;
    private string _s3Endpoint = "";
    private string _dynamoEndpoint = "";

    private Topology(TemplateModel model, LocalPaths paths, string runDirectory)
    {
        _model = model;
        _paths = paths;
        _runDirectory = runDirectory;
        _log = new RequestLog(Path.Combine(runDirectory, "requests.jsonl"));
    }

    public static async Task<Topology> StartAsync(TemplateModel model, LocalPaths paths, string runDirectory, int dicomPort)
    {
        var topology = new Topology(model, paths, runDirectory);
        try
        {
            await topology.StartAllAsync(dicomPort);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _gateway?.Dispose();
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
        WriteViolations();
        _http.Dispose();
        await Task.CompletedTask;
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private async Task StartAllAsync(int dicomPort)
    {
        File.WriteAllText(_log.Path, "");
        var functions = _model.Functions();
        var hosts = functions.Select(f => Own(new FunctionHost(f, () => FunctionEnvironment(f), Path.Combine(_runDirectory, $"lambda-{f.LogicalId}.log")))).ToList();
        _lambda = Own(new LambdaService(hosts, _log) { Control = ControlAsync });

        StartS3();
        await StartDynamoAsync();
        StartHealthImaging();
        StartStepFunctions();
        var (gatewayDicomPort, gatewayHttpPort) = StartGateway(dicomPort);
        WriteEnvironmentScript();
        var run = new JsonObject
        {
            ["region"] = IntrinsicResolver.Region,
            ["accountId"] = IntrinsicResolver.AccountId,
            ["accessKeyId"] = AccessKey,
            ["secretAccessKey"] = SecretKey,
            ["sessionToken"] = HarnessPrincipal,
            ["endpoints"] = new JsonObject
            {
                ["s3"] = _s3Endpoint,
                ["dynamodb"] = _dynamoEndpoint,
                ["medical-imaging"] = _imagingServer!.Endpoint.ToString().TrimEnd('/'),
                ["sfn"] = _statesServer!.Endpoint.ToString().TrimEnd('/'),
                ["lambda"] = _lambda.Endpoint,
                ["control"] = _lambda.Endpoint + "/_awslocal",
            },
            ["dicomPort"] = gatewayDicomPort,
            ["httpPort"] = gatewayHttpPort,
            ["aeTitle"] = GatewayContainer().Environment.GetValueOrDefault("GATEWAY__AETITLE"),
            ["buckets"] = new JsonArray(_model.Buckets().Select(b => (JsonNode)JsonValue.Create(b)).ToArray()),
            ["tables"] = new JsonArray(_model.Tables().Select(t => (JsonNode)JsonValue.Create(t.Name)).ToArray()),
            ["datastores"] = new JsonArray(_model.Datastores().Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
            ["stateMachines"] = new JsonArray(_model.StateMachines().Select(s => (JsonNode)JsonValue.Create(s.Arn)).ToArray()),
            ["functions"] = new JsonObject(functions.Select(f => KeyValuePair.Create(f.LogicalId, (JsonNode?)new JsonObject
            {
                ["name"] = f.Name,
                ["arn"] = f.Arn,
                ["handler"] = f.Handler,
                ["role"] = f.RoleLogicalId,
            }))),
            ["gatewayEnvironment"] = new JsonObject(GatewayContainer().Environment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value)))),
            ["requestLog"] = _log.Path,
            ["s3Events"] = Path.Combine(_runDirectory, "s3-events.jsonl"),
        };
        File.WriteAllText(Path.Combine(_runDirectory, "run.json"), run.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"dicom port {gatewayDicomPort} (AE title {run["aeTitle"]})");
        Console.WriteLine($"run folder {_runDirectory} (run.json, requests.jsonl, env.sh, logs)");
        Console.WriteLine("ready");
    }

    private Dictionary<string, string> Endpoints() => new(StringComparer.Ordinal)
    {
        ["AWS_ENDPOINT_URL_S3"] = _s3Endpoint,
        ["AWS_ENDPOINT_URL_DYNAMODB"] = _dynamoEndpoint,
        ["AWS_ENDPOINT_URL_MEDICAL_IMAGING"] = _imagingServer?.Endpoint.ToString().TrimEnd('/') ?? "",
        ["AWS_ENDPOINT_URL_SFN"] = _statesServer?.Endpoint.ToString().TrimEnd('/') ?? "",
        ["AWS_ENDPOINT_URL_LAMBDA"] = _lambda!.Endpoint,
    };

    private static Dictionary<string, string> Credentials(string principal) => new(StringComparer.Ordinal)
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_SESSION_TOKEN"] = principal,
    };

    /// <summary>The template's variables, then what the Lambda runtime sets, the role's credentials and the endpoints.</summary>
    private IDictionary<string, string> FunctionEnvironment(LambdaFunctionSpec function)
    {
        var environment = new Dictionary<string, string>(function.Environment, StringComparer.Ordinal)
        {
            ["AWS_REGION"] = IntrinsicResolver.Region,
            ["AWS_DEFAULT_REGION"] = IntrinsicResolver.Region,
            ["AWS_LAMBDA_FUNCTION_NAME"] = function.Name,
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
            ["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + function.Name,
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = DateTime.UtcNow.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture) + "/[$LATEST]awslocal",
            ["AWS_EXECUTION_ENV"] = "AWS_Lambda_dotnet10",
            ["_HANDLER"] = function.Handler,
            ["LAMBDA_TASK_ROOT"] = _paths.LambdaCode,
            ["LAMBDA_RUNTIME_DIR"] = Path.GetDirectoryName(_paths.LambdaRuntime)!,
            ["TZ"] = ":UTC",
            ["LANG"] = "en_US.UTF-8",
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
        };
        foreach (var (key, value) in Credentials(function.RoleLogicalId).Concat(Endpoints()))
        {
            environment[key] = value;
        }
        return environment;
    }

    private void StartS3()
    {
        var dataDirectory = Directory.CreateDirectory(Path.Combine(_runDirectory, "s3")).FullName;
        var notifications = new JsonObject
        {
            ["lambdaEndpoint"] = _lambda!.Endpoint,
            ["region"] = IntrinsicResolver.Region,
            ["eventLog"] = Path.Combine(_runDirectory, "s3-events.jsonl"),
            ["notifications"] = new JsonArray(_model.BucketNotifications().Where(n => _lambda.Find(n.FunctionArn) is not null).Select(n => (JsonNode)new JsonObject
            {
                ["bucket"] = n.Bucket,
                ["events"] = new JsonArray(n.Events.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
                ["prefix"] = n.Prefix,
                ["suffix"] = n.Suffix,
                ["functionArn"] = n.FunctionArn,
            }).ToArray()),
        };
        var notificationsPath = Path.Combine(_runDirectory, "s3-notifications.json");
        File.WriteAllText(notificationsPath, notifications.ToJsonString());
        var host = Path.Combine(_paths.Emulators, "s3rver-host.js");
        var process = Own(StartNode(
            ["--openssl-legacy-provider", host, _paths.Tools, dataDirectory, .. _model.Buckets()],
            new Dictionary<string, string> { ["S3RVER_REQUEST_LOG"] = _log.Path, ["S3RVER_NOTIFICATIONS"] = notificationsPath },
            "s3rver.log"));
        _s3Endpoint = "http://127.0.0.1:" + process.WaitForLine("listening ", TimeSpan.FromSeconds(30));
    }

    private async Task StartDynamoAsync()
    {
        var host = Path.Combine(_paths.Emulators, "dynalite-host.js");
        var process = Own(StartNode([host, _paths.Tools, _log.Path, IntrinsicResolver.Region, IntrinsicResolver.AccountId], new Dictionary<string, string>(), "dynalite.log"));
        _dynamoEndpoint = "http://127.0.0.1:" + process.WaitForLine("listening ", TimeSpan.FromSeconds(30));
        using var client = new AmazonDynamoDBClient(
            new SessionAWSCredentials(AccessKey, SecretKey, HarnessPrincipal),
            new AmazonDynamoDBConfig { ServiceURL = _dynamoEndpoint, AuthenticationRegion = IntrinsicResolver.Region });
        foreach (var table in _model.Tables())
        {
            await CreateTableAsync(client, table);
        }
    }

    /// <summary>CreateTable with the template's key schema, attribute definitions, billing mode and indexes (the same JSON shapes).</summary>
    private static async Task CreateTableAsync(AmazonDynamoDBClient client, TableSpec table)
    {
        var p = table.Properties;
        static List<KeySchemaElement> Keys(JsonNode? keys) =>
            keys!.AsArray().Select(k => new KeySchemaElement((string)k!["AttributeName"]!, new KeyType((string)k["KeyType"]!))).ToList();
        static Projection ProjectionOf(JsonNode? projection) => new()
        {
            ProjectionType = new ProjectionType((string?)projection?["ProjectionType"] ?? "ALL"),
            NonKeyAttributes = (projection?["NonKeyAttributes"] as JsonArray)?.Select(a => (string)a!).ToList(),
        };
        var request = new CreateTableRequest
        {
            TableName = table.Name,
            KeySchema = Keys(p["KeySchema"]),
            AttributeDefinitions = p["AttributeDefinitions"]!.AsArray()
                .Select(a => new AttributeDefinition((string)a!["AttributeName"]!, new ScalarAttributeType((string)a["AttributeType"]!))).ToList(),
            BillingMode = new BillingMode((string?)p["BillingMode"] ?? "PROVISIONED"),
        };
        if (request.BillingMode == BillingMode.PROVISIONED)
        {
            request.ProvisionedThroughput = new ProvisionedThroughput(5, 5);
        }
        if (p["GlobalSecondaryIndexes"] is JsonArray gsis)
        {
            request.GlobalSecondaryIndexes = gsis.Select(g => new GlobalSecondaryIndex
            {
                IndexName = (string)g!["IndexName"]!,
                KeySchema = Keys(g["KeySchema"]),
                Projection = ProjectionOf(g["Projection"]),
                ProvisionedThroughput = request.ProvisionedThroughput,
            }).ToList();
        }
        if (p["LocalSecondaryIndexes"] is JsonArray lsis)
        {
            request.LocalSecondaryIndexes = lsis.Select(l => new LocalSecondaryIndex
            {
                IndexName = (string)l!["IndexName"]!,
                KeySchema = Keys(l["KeySchema"]),
                Projection = ProjectionOf(l["Projection"]),
            }).ToList();
        }
        await client.CreateTableAsync(request);
        for (var i = 0; i < 600; i++)
        {
            if ((await client.DescribeTableAsync(table.Name)).Table.TableStatus == TableStatus.ACTIVE)
            {
                return;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"table {table.Name} did not become ACTIVE");
    }

    private AmazonS3Client S3Client(string principal) => new(
        new SessionAWSCredentials(AccessKey, SecretKey, principal),
        new AmazonS3Config { ServiceURL = _s3Endpoint, ForcePathStyle = true, AuthenticationRegion = IntrinsicResolver.Region, MaxErrorRetry = 0 });

    private void StartHealthImaging()
    {
        var writer = new JobOutputWriter(S3Client, arn => _model.Resolver.LogicalIdOf(arn, "AWS::IAM::Role") ?? arn);
        _healthImaging.OnCompleted = writer.Write;
        var model = new ServiceModel("botocore-medical-imaging-2023-07-19.service-2.json");
        _imagingServer = Own(new AwsModelServer(model, call =>
        {
            var principal = RequestLog.PrincipalOf(call.Headers);
            var datastore = (string?)call.Input["datastoreId"];
            _log.Append(principal, "medical-imaging:" + call.Operation,
                $"arn:aws:medical-imaging:{IntrinsicResolver.Region}:{IntrinsicResolver.AccountId}:datastore/{datastore}");
            if (call.Operation == "StartDICOMImportJob")
            {
                _log.Append(principal, "iam:PassRole", (string)call.Input["dataAccessRoleArn"]!);
            }
            return _healthImaging.Handle(call);
        }));
    }

    private void StartStepFunctions()
    {
        var config = new JsonObject
        {
            ["region"] = IntrinsicResolver.Region,
            ["accountId"] = IntrinsicResolver.AccountId,
            ["accessKey"] = AccessKey,
            ["secretKey"] = SecretKey,
            ["waitMs"] = 200,
            ["retryMs"] = 100,
            ["eventsUrl"] = _lambda!.Endpoint + "/_awslocal/events",
            ["datastores"] = new JsonArray(_model.Datastores().Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
            ["stateMachines"] = new JsonArray(_model.StateMachines().Select(s => (JsonNode)new JsonObject
            {
                ["arn"] = s.Arn,
                ["definition"] = s.Definition,
                ["roleLogicalId"] = s.RoleLogicalId,
                ["roleArn"] = s.RoleArn,
            }).ToArray()),
        };
        var configPath = Path.Combine(_runDirectory, "sfn-config.json");
        File.WriteAllText(configPath, config.ToJsonString());
        var process = Own(StartNode(
            [Path.Combine(_paths.Emulators, "sfn-host.js"), _paths.Tools, configPath],
            new Dictionary<string, string> { ["AWS_ENDPOINT_URL_LAMBDA"] = _lambda.Endpoint },
            "sfn.log"));
        _sfnPort = int.Parse(process.WaitForLine("listening ", TimeSpan.FromSeconds(30)), CultureInfo.InvariantCulture);
        var model = new ServiceModel("botocore-stepfunctions-2016-11-23.service-2.json");
        _statesServer = Own(new AwsModelServer(model, call =>
        {
            var principal = RequestLog.PrincipalOf(call.Headers);
            var resource = (string?)call.Input["stateMachineArn"] ?? (string?)call.Input["executionArn"] ?? "*";
            _log.Append(principal, "states:" + call.Operation, resource);
            var body = new JsonObject { ["operation"] = call.Operation, ["input"] = call.Input.DeepClone() }.ToJsonString();
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = _http.PostAsync($"http://127.0.0.1:{_sfnPort}/call", content).GetAwaiter().GetResult();
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (response.IsSuccessStatusCode)
            {
                return new ServiceResponse(200, text);
            }
            var error = JsonNode.Parse(text)!;
            return ServiceResponse.Error((int)response.StatusCode, (string)error["__type"]!, (string)error["message"]!);
        }));
    }

    private ContainerSpec GatewayContainer() =>
        _model.Containers().Single(c => c.Environment.Keys.Any(k => k.StartsWith("GATEWAY__", StringComparison.Ordinal)));

    /// <summary>
    /// The Gateway with its container's environment, the task role's credentials and the endpoints. Local differences,
    /// each because one machine is not a Fargate task: the ports (free ones), the data directory (the run folder), and
    /// path-style S3 addressing (s3rver on an IP address).
    /// </summary>
    private (int Dicom, int Http) StartGateway(int dicomPort)
    {
        var container = GatewayContainer();
        var dicom = dicomPort == 0 ? EmulatorProcess.FreePort() : dicomPort;
        var http = EmulatorProcess.FreePort();
        var environment = new Dictionary<string, string>(container.Environment, StringComparer.Ordinal)
        {
            ["AWS_REGION"] = IntrinsicResolver.Region,
            ["AWS_DEFAULT_REGION"] = IntrinsicResolver.Region,
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = _runDirectory,
            ["GATEWAY__PORT"] = dicom.ToString(CultureInfo.InvariantCulture),
            ["GATEWAY__HTTPPORT"] = http.ToString(CultureInfo.InvariantCulture),
            ["GATEWAY__DATADIRECTORY"] = Directory.CreateDirectory(Path.Combine(_runDirectory, "gateway-data")).FullName,
            ["GATEWAY__AWS__FORCEPATHSTYLE"] = "true",
        };
        foreach (var (key, value) in Credentials(container.TaskRoleLogicalId).Concat(Endpoints()))
        {
            environment[key] = value;
        }
        var info = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _runDirectory };
        info.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        info.ArgumentList.Add(_paths.Gateway);
        _gateway = EmulatorProcess.Start(info, Path.Combine(_runDirectory, "gateway.log"));
        _gateway.WaitForPort(dicom, TimeSpan.FromSeconds(60));
        return (dicom, http);
    }

    /// <summary>env.sh: the Gateway's AWS configuration with the harness's credentials, for <c>jobs list</c> and the AWS CLI.</summary>
    private void WriteEnvironmentScript()
    {
        var container = GatewayContainer();
        var lines = container.Environment.Where(e => e.Key.StartsWith("GATEWAY__AWS__", StringComparison.Ordinal) || e.Key.StartsWith("GATEWAY__ADAPTERS__", StringComparison.Ordinal))
            .Append(KeyValuePair.Create("GATEWAY__AWS__FORCEPATHSTYLE", "true"))
            .Append(KeyValuePair.Create("AWS_REGION", IntrinsicResolver.Region))
            .Concat(Credentials(HarnessPrincipal))
            .Concat(Endpoints())
            .Select(e => $"export {e.Key}='{e.Value}'");
        File.WriteAllText(Path.Combine(_runDirectory, "env.sh"), string.Join("\n", lines) + "\n");
    }

    private EmulatorProcess StartNode(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logName)
    {
        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        return EmulatorProcess.Start(info, Path.Combine(_runDirectory, logName));
    }

    /// <summary>tools/AwsLocal's own endpoints: EventBridge delivery, fault injection, and what ran.</summary>
    private async Task<(int, string)> ControlAsync(string method, string path, string body)
    {
        var input = body.Length > 0 ? JsonNode.Parse(body) : null;
        switch (method, path)
        {
            case ("POST", "/_awslocal/events"):
                foreach (var rule in _model.EventRules().Where(r => EventPattern.Matches(r.EventPattern, input)))
                {
                    foreach (var target in rule.TargetArns.Select(a => _lambda!.Find(a)).OfType<FunctionHost>())
                    {
                        _lambda!.InvokeEvent(target, Encoding.UTF8.GetBytes(body), "events.amazonaws.com");
                    }
                }
                File.AppendAllText(Path.Combine(_runDirectory, "events.jsonl"), input!.ToJsonString() + "\n");
                return (200, "{}");
            case ("POST", "/_awslocal/medical-imaging/errors"):
                // {"operation", "status", "code", "message", "count"}: the next count calls of the operation fail so.
                for (var i = 0; i < ((int?)input!["count"] ?? 1); i++)
                {
                    _healthImaging.QueueError((string)input["operation"]!, ServiceResponse.Error((int)input["status"]!, (string)input["code"]!, (string?)input["message"] ?? "injected by tools/AwsLocal"));
                }
                return (200, "{}");
            case ("POST", "/_awslocal/medical-imaging/reset"):
                _healthImaging.ClearFaults();
                _healthImaging.StartTps = null;
                _healthImaging.MaxConcurrentJobs = null;
                _healthImaging.PollsToComplete = DefaultPollsToComplete;
                return (200, "{}");
            case ("POST", "/_awslocal/medical-imaging/polls"):
                // {"pollsToComplete"}: how many GetDICOMImportJob calls a job takes to end (a long-running job).
                _healthImaging.PollsToComplete = (int)input!["pollsToComplete"]!;
                return (200, "{}");
            case ("POST", "/_awslocal/executions/stop"):
                // {"executionArn"}: aborts the execution as StopExecution does (an execution-level failure).
                using (var content = new StringContent(new JsonObject { ["operation"] = "StopExecution", ["input"] = input!.DeepClone() }.ToJsonString(), Encoding.UTF8, "application/json"))
                using (var stopped = await _http.PostAsync($"http://127.0.0.1:{_sfnPort}/call", content))
                {
                    return ((int)stopped.StatusCode, await stopped.Content.ReadAsStringAsync());
                }
            case ("POST", "/_awslocal/medical-imaging/job-failures"):
                _healthImaging.QueueJobFailure((string)input!["message"]!);
                return (200, "{}");
            case ("POST", "/_awslocal/medical-imaging/quotas"):
                _healthImaging.StartTps = (double?)input!["startTps"];
                _healthImaging.MaxConcurrentJobs = (int?)input["maxConcurrentJobs"];
                return (200, "{}");
            case ("GET", "/_awslocal/medical-imaging/jobs"):
                return (200, new JsonArray(_healthImaging.Jobs.Select(j => (JsonNode)new JsonObject
                {
                    ["jobId"] = j.JobId,
                    ["jobStatus"] = j.Status,
                    ["inputS3Uri"] = j.InputS3Uri,
                    ["outputS3Uri"] = j.OutputS3Uri,
                    ["datastoreId"] = j.DatastoreId,
                    ["message"] = j.Failure,
                }).ToArray()).ToJsonString());
            case ("GET", "/_awslocal/executions"):
                return (200, await _http.GetStringAsync($"http://127.0.0.1:{_sfnPort}/executions"));
            case ("GET", "/_awslocal/violations"):
                return (200, new JsonArray(Violations().Select(v => (JsonNode)JsonValue.Create(v)).ToArray()).ToJsonString());
            default:
                return (404, "{\"message\":\"unknown control path\"}");
        }
    }

    private IEnumerable<string> Violations() =>
        (_imagingServer?.Violations ?? []).Concat(_statesServer?.Violations ?? []);

    private void WriteViolations() =>
        File.WriteAllLines(Path.Combine(_runDirectory, "violations.txt"), Violations());
}
