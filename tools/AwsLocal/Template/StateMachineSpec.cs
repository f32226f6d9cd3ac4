using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Template;

/// <summary>A Step Functions state machine of the template: ARN, resolved ASL definition, and its role.</summary>
public sealed record StateMachineSpec(
    string LogicalId,
    string Arn,
    string Definition,
    string RoleLogicalId,
    string RoleArn,
    IReadOnlyList<JsonObject> PolicyStatements);
