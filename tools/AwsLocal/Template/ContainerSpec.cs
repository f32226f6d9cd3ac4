using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Template;

/// <summary>A container of an ECS task definition, resolved, with the task role of its task definition.</summary>
public sealed record ContainerSpec(
    string TaskDefinitionLogicalId,
    string Name,
    IReadOnlyDictionary<string, string> Environment,
    string TaskRoleLogicalId,
    string TaskRoleArn,
    IReadOnlyList<JsonObject> PolicyStatements);
