using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Iam;

/// <summary>One statement of an identity policy, resolved (no CloudFormation intrinsics left).</summary>
public sealed record PolicyStatement(
    bool Allow,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Resources,
    IReadOnlyList<PolicyCondition> Conditions)
{
    public static PolicyStatement Parse(JsonObject statement) => new(
        (string?)statement["Effect"] == "Allow",
        Strings(statement["Action"]),
        Strings(statement["Resource"]),
        PolicyCondition.Parse(statement["Condition"] as JsonObject));

    /// <summary>Whether this statement applies to the request: every action, resource and condition matches.</summary>
    public bool Matches(string action, string resource, IReadOnlyDictionary<string, string> context) =>
        Actions.Any(a => IamPattern.MatchesAction(a, action))
        && Resources.Any(r => IamPattern.MatchesResource(r, resource))
        && Conditions.All(c => c.IsSatisfiedBy(context));

    private static IReadOnlyList<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => [.. array.Select(n => (string)n!)],
        JsonValue value => [(string)value!],
        _ => [],
    };
}
