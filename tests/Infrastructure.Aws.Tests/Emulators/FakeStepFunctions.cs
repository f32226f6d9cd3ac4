using System.Text.Json.Nodes;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// Step Functions' execution-name semantics behind <see cref="AwsModelServer"/>: a new name starts an execution;
/// the same name with the same input returns it again; the same name with other input is ExecutionAlreadyExists.
/// </summary>
public sealed class FakeStepFunctions
{
    private readonly Dictionary<string, (string Arn, string Input, DateTimeOffset Started)> _executions = new(StringComparer.Ordinal);
    private readonly Queue<ServiceResponse> _errors = new();
    private readonly object _gate = new();

    public IReadOnlyDictionary<string, string> InputsByName
    {
        get
        {
            lock (_gate)
            {
                return _executions.ToDictionary(e => e.Key, e => e.Value.Input, StringComparer.Ordinal);
            }
        }
    }

    public void QueueError(ServiceResponse error)
    {
        lock (_gate)
        {
            _errors.Enqueue(error);
        }
    }

    public ServiceResponse Handle(ServiceCall call)
    {
        lock (_gate)
        {
            if (_errors.Count > 0)
            {
                return _errors.Dequeue();
            }

            switch (call.Operation)
            {
                case "StartExecution":
                    var machine = (string)call.Input["stateMachineArn"]!;
                    var name = (string)call.Input["name"]!;
                    var input = (string?)call.Input["input"] ?? "{}";
                    if (_executions.TryGetValue(name, out var existing))
                    {
                        return existing.Input == input
                            ? Started(existing.Arn, existing.Started)
                            : ServiceResponse.Error(400, "ExecutionAlreadyExists", $"Execution Already Exists: '{existing.Arn}'");
                    }

                    var arn = machine.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":" + name;
                    _executions[name] = (arn, input, DateTimeOffset.UtcNow);
                    return Started(arn, _executions[name].Started);
                case "DescribeExecution":
                    var wanted = (string)call.Input["executionArn"]!;
                    var found = _executions.FirstOrDefault(e => e.Value.Arn == wanted);
                    if (found.Key is null)
                    {
                        return ServiceResponse.Error(400, "ExecutionDoesNotExist", $"Execution Does Not Exist: '{wanted}'");
                    }

                    return ServiceResponse.Ok(new JsonObject
                    {
                        ["executionArn"] = found.Value.Arn,
                        ["stateMachineArn"] = found.Value.Arn[..found.Value.Arn.LastIndexOf(':')].Replace(":execution:", ":stateMachine:", StringComparison.Ordinal),
                        ["name"] = found.Key,
                        ["status"] = "RUNNING",
                        ["startDate"] = found.Value.Started.ToUnixTimeMilliseconds() / 1000m,
                        ["input"] = found.Value.Input,
                    });
                default:
                    return ServiceResponse.Error(400, "ValidationException", $"{call.Operation} is not served here");
            }
        }
    }

    private static ServiceResponse Started(string arn, DateTimeOffset started) =>
        ServiceResponse.Ok(new JsonObject { ["executionArn"] = arn, ["startDate"] = started.ToUnixTimeMilliseconds() / 1000m });
}
