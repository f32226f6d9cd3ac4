using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Template;

/// <summary>A DynamoDB table of the template: physical name, ARN and its resolved properties (keys, attributes, GSIs).</summary>
public sealed record TableSpec(string LogicalId, string Name, string Arn, JsonObject Properties);
