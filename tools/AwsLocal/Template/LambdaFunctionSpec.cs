using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Template;

/// <summary>A function of the template, resolved: its physical name and ARN, handler, environment and execution role.</summary>
public sealed record LambdaFunctionSpec(
    string LogicalId,
    string Name,
    string Arn,
    string Handler,
    IReadOnlyDictionary<string, string> Environment,
    string RoleLogicalId,
    string RoleArn,
    IReadOnlyList<JsonObject> PolicyStatements);
