using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Template;

/// <summary>An EventBridge rule of the template: its event pattern and the ARNs of its targets, resolved.</summary>
public sealed record EventRuleSpec(string LogicalId, JsonObject EventPattern, IReadOnlyList<string> TargetArns);
